import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reverie } from './support/reverie-cli.ts';
import { defaultDemoOptions, runDemo } from '../src/pipeline/demo.ts';

const fixture = join(import.meta.dirname, '..', 'src', 'tasks', 'catalog', 'fixtures', 'restaurants.yaml');

describe('catalog tasks end to end', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reverie-catalog-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the demo on the countries guessing task', async () => {
    const out = join(dir, 'countries');
    const { results, table } = await runDemo({
      ...defaultDemoOptions,
      task: 'countries',
      out,
      dialogues: 120,
      episodes: 20,
      validationEpisodes: 8,
      betas: [0, 4],
      // Chosen, so they win over the task's own settings (6,000 steps for a guessing task).
      trainGiven: { steps: 20, batchSize: 32 },
      log: () => {},
    });
    expect(results.map((result) => result.name)).toEqual(['behaviour', 'naive', 'bc', 'fbc', 'mc', 'ilql', 'oracle']);
    const byName = Object.fromEntries(results.map((result) => [result.name, result]));
    // The oracle knows the country and names it at once.
    expect(byName.oracle?.success.mean).toBe(1);
    expect(byName.oracle?.reward.mean).toBe(1);
    expect(byName.naive?.success.mean).toBeLessThan(0.5);
    expect(table).toContain('ILQL (utterance-level)');
    const first = JSON.parse((await readFile(join(out, 'dialogues.jsonl'), 'utf8')).split('\n')[0] ?? '{}') as { task: string; persona: { item: string } };
    expect(first.task).toBe('countries');
    expect(first.persona.item).toMatch(/^[A-Z]{3}$/);
  });

  it('imagines and runs the demo on a catalog file a user wrote, by path', async () => {
    const file = join(dir, 'my-catalog.yaml');
    await copyFile(fixture, file);
    const imagined = await reverie('imagine', '--task', file, '-n', '30', '--out', join(dir, 'mine-data'));
    expect(imagined.stderr).not.toMatch(/reverie: /);
    expect(imagined.code).toBe(0);
    expect(imagined.stdout).toMatch(/\| all +\| 30 /);
    const demo = await reverie('demo', '--task', file, '--out', join(dir, 'mine-demo'), '-n', '40', '--steps', '4', '--episodes', '6', '--validation-episodes', '4', '--betas', '0');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('oracle');
  });

  it('a broken catalog file fails with its file and line', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, (await readFile(fixture, 'utf8')).replace('type: set', 'type: colour'));
    const { code, stderr } = await reverie('imagine', '--task', file, '-n', '5', '--out', join(dir, 'broken'));
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`reverie: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: attributes\\.cuisine\\.type: `));
  });
});
