/**
 * The import graph of src/ and the layering it must follow. Every folder of src/ belongs to one
 * layer; a module may import from its own layer or any layer below, never from one above, and no
 * chain of imports may lead back to where it started. Type-only imports count too: a type that
 * points upward is a dependency that points upward.
 *
 * @example
 * const graph = readImportGraph('src');
 * checkLayering(graph).upward; // → [] when the layering holds
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Bottom to top. Each entry: the layer's name and the folders (or top-level files) of src/ in it. */
export const layers: readonly { name: string; members: readonly string[] }[] = [
  { name: 'util', members: ['util', 'errors.ts'] },
  { name: 'nn', members: ['nn'] },
  { name: 'task', members: ['task', 'data', 'lm'] },
  { name: 'tasks', members: ['tasks', 'llm'] },
  { name: 'sim', members: ['sim'] },
  { name: 'imagine', members: ['imagine'] },
  { name: 'learn', members: ['embed', 'encode', 'rl', 'token'] },
  { name: 'agent', members: ['agent'] },
  { name: 'eval', members: ['eval'] },
  { name: 'pipeline', members: ['pipeline'] },
  { name: 'serve', members: ['serve', 'chat'] },
  { name: 'cli', members: ['cli'] },
  { name: 'library', members: ['index.ts'] },
];

export type ImportGraph = { root: string; modules: string[]; imports: Map<string, string[]> };

const isSource = (file: string): boolean => /\.(ts|mts|mjs)$/.test(file) && !/\.test\.ts$/.test(file) && !file.endsWith('.d.ts');

const filesUnder = (folder: string): string[] =>
  readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : isSource(path) ? [path] : [];
  });

/** Modules as paths relative to `root` with forward slashes; only relative imports (packages are not layered). */
export const readImportGraph = (root: string): ImportGraph => {
  const files = filesUnder(root);
  const modules = files.map((file) => relative(root, file).split(sep).join('/')).sort();
  const imports = new Map<string, string[]>();
  for (const file of files) {
    const from = relative(root, file).split(sep).join('/');
    const found = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
    const targets = found.filter((name) => name.startsWith('.')).map((name) => relative(resolve(root), resolve(dirname(file), name)).split(sep).join('/'));
    imports.set(from, [...new Set(targets)].sort());
  }
  return { root, modules, imports };
};

/** The member of src/ a module belongs to: its top-level folder, or the file itself at the top. */
export const memberOf = (module: string): string => module.split('/')[0] as string;

export const layerOf = (module: string): number => layers.findIndex((layer) => layer.members.includes(memberOf(module)));

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
export const findCircles = (graph: ImportGraph): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let counter = 0;
  const visit = (module: string): void => {
    index.set(module, counter);
    low.set(module, counter);
    counter += 1;
    stack.push(module);
    onStack.add(module);
    for (const target of graph.imports.get(module) ?? []) {
      if (!graph.imports.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(module, Math.min(low.get(module) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(module, Math.min(low.get(module) as number, index.get(target) as number));
      }
    }
    if (low.get(module) === index.get(module)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== module);
      if (component.length > 1 || (graph.imports.get(module) ?? []).includes(module)) circles.push(component.sort());
    }
  };
  for (const module of graph.modules) if (!index.has(module)) visit(module);
  return circles;
};

export type Layering = {
  /** Modules whose folder no layer names. */
  unplaced: string[];
  /** Imports of a module that does not exist (a typo the compiler would also catch). */
  missing: string[];
  upward: string[];
  circles: string[][];
};

export const checkLayering = (graph: ImportGraph): Layering => {
  const known = new Set(graph.modules);
  const unplaced = graph.modules.filter((module) => layerOf(module) < 0);
  const missing: string[] = [];
  const upward: string[] = [];
  for (const [from, targets] of graph.imports) {
    for (const target of targets) {
      if (!known.has(target)) missing.push(`${from} → ${target}`);
      else if (layerOf(target) > layerOf(from)) upward.push(`${from} (${layers[layerOf(from)]?.name}) → ${target} (${layers[layerOf(target)]?.name})`);
    }
  }
  return { unplaced, missing, upward, circles: findCircles(graph) };
};

/** The picture the test prints: layers top to bottom with their folders and module counts. */
export const describeLayering = (graph: ImportGraph, result: Layering): string => {
  const lines = [...layers].reverse().map((layer) => {
    const folders = layer.members
      .map((member) => ({ member, count: graph.modules.filter((module) => memberOf(module) === member).length }))
      .filter(({ count }) => count > 0)
      .map(({ member, count }) => `${member}${member.endsWith('.ts') ? '' : '/'} ${count}`);
    const total = graph.modules.filter((module) => layer.members.includes(memberOf(module))).length;
    return `${layer.name.padEnd(9)} ${String(total).padStart(3)} modules  ${folders.join(', ')}`;
  });
  const edges = [...graph.imports.values()].reduce((sum, targets) => sum + targets.length, 0);
  return [
    ...lines,
    `${graph.modules.length} modules, ${edges} imports; upward imports ${result.upward.length}, circles ${result.circles.length}, unplaced ${result.unplaced.length}`,
  ].join('\n');
};
