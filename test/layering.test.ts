import { describe, expect, it } from 'vitest';
import { checkLayering, describeLayering, findCircles, layers, readImportGraph } from './support/import-graph.ts';
import type { ImportGraph } from './support/import-graph.ts';

describe('the layering of src/', () => {
  const graph = readImportGraph('src');
  const result = checkLayering(graph);

  it('places every module in a layer, imports nothing upward and has no import circles', () => {
    process.stdout.write(`\n${describeLayering(graph, result)}\n`);
    expect(result.unplaced).toEqual([]);
    expect(result.missing).toEqual([]);
    expect(result.upward).toEqual([]);
    expect(result.circles).toEqual([]);
  });

  it('names each folder in one layer only', () => {
    const members = layers.flatMap((layer) => layer.members);
    expect(new Set(members).size).toBe(members.length);
  });

  it('reads type-only, re-export and dynamic imports, and finds a circle and an upward import when there is one', () => {
    // A made-up graph shows the checker can fail: util imports cli (upward), and two modules import each other.
    const made: ImportGraph = {
      root: 'src',
      modules: ['cli/main.ts', 'util/a.ts', 'util/b.ts'],
      imports: new Map([
        ['cli/main.ts', ['util/a.ts']],
        ['util/a.ts', ['util/b.ts', 'cli/main.ts']],
        ['util/b.ts', ['util/a.ts']],
      ]),
    };
    const found = checkLayering(made);
    expect(found.upward).toEqual(['util/a.ts (util) → cli/main.ts (cli)']);
    expect(findCircles(made)).toEqual([['cli/main.ts', 'util/a.ts', 'util/b.ts']]);
    // The real graph holds a type-only import (task/types.ts → task/spec.ts) and a dynamic one (the train worker).
    expect(graph.imports.get('task/types.ts')).toContain('task/spec.ts');
    expect(graph.imports.get('pipeline/train-worker.mjs')).toContain('pipeline/train-worker.ts');
  });
});
