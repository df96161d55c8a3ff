/**
 * The benchmark's results: how each topic prints as a Markdown table, the JSON file a run
 * writes (figures plus the machine and commit they came from), and the new ÷ old ratios of
 * `--compare`.
 *
 * @example
 * console.log(topicTable('training', rows));
 * console.log(compareTables(current, await loadResults('bench/results/old.json')).join('\n\n'));
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { markdownTable } from '../src/eval/report.ts';
import { writeFileAtomic } from '../src/util/atomic-write.ts';

/** One table row: a name and its numeric figures, keyed by column. */
export type ResultRow = { name: string; values: Record<string, number> };

export type TopicId = 'training' | 'flops' | 'first-layer' | 'simulation' | 'acting' | 'imagination' | 'quality' | 'token-quality';

type Column = { key: string; label: string; digits: number };
type Topic = { title: string; rowLabel: string; columns: readonly Column[] };

/** Success and reward with their 95% intervals, as the quality topics report them. */
const intervalColumns: readonly Column[] = [
  { key: 'success', label: 'success', digits: 3 },
  { key: 'successLow', label: 'low', digits: 3 },
  { key: 'successHigh', label: 'high', digits: 3 },
  { key: 'reward', label: 'reward', digits: 3 },
  { key: 'rewardLow', label: 'low', digits: 3 },
  { key: 'rewardHigh', label: 'high', digits: 3 },
];

export const topics: Record<TopicId, Topic> = {
  training: {
    title: 'Training speed',
    rowLabel: 'algorithm',
    columns: [
      { key: 'msPerStep', label: 'ms/step', digits: 2 },
      { key: 'transitionsPerSecond', label: 'transitions/s', digits: 0 },
      { key: 'trainSeconds', label: 'full training (s)', digits: 1 },
      { key: 'peakRssMB', label: 'peak RSS (MB)', digits: 0 },
      { key: 'ilqlOverBc', label: 'ILQL ÷ BC', digits: 2 },
      { key: 'overHashed', label: '÷ plain hashed (time/step)', digits: 2 },
      { key: 'oursOverTorch', label: 'ours ÷ PyTorch (time/step)', digits: 2 },
    ],
  },
  flops: {
    title: 'Matrix products on the training backend',
    rowLabel: 'product',
    columns: [
      { key: 'gflops', label: 'GFLOP/s', digits: 2 },
      { key: 'ofPeak', label: '÷ peak', digits: 2 },
    ],
  },
  'first-layer': {
    title: 'First layers: the loop over non-zeros against a dense copy times the weights (same bits)',
    rowLabel: 'shape',
    columns: [
      { key: 'loopMs', label: 'loop ms', digits: 3 },
      { key: 'denseMs', label: 'dense ms', digits: 3 },
      { key: 'denseOverLoop', label: 'dense ÷ loop', digits: 2 },
      { key: 'loopGradientMs', label: 'gradient, loop ms', digits: 3 },
      { key: 'denseGradientMs', label: 'gradient, dense ms', digits: 3 },
      { key: 'gradientDenseOverLoop', label: 'dense ÷ loop', digits: 2 },
    ],
  },
  simulation: {
    title: 'Simulation',
    rowLabel: 'agent',
    columns: [
      { key: 'episodesPerSecond', label: 'episodes/s', digits: 0 },
      { key: 'agentTurnsPerEpisode', label: 'agent turns/episode', digits: 2 },
      { key: 'demoSeconds', label: 'wall time (s)', digits: 1 },
      { key: 'peakRssMB', label: 'peak RSS (MB)', digits: 0 },
    ],
  },
  acting: {
    title: 'Acting latency',
    rowLabel: 'agent',
    columns: [
      { key: 'p50Ms', label: 'p50 ms/act', digits: 3 },
      { key: 'p99Ms', label: 'p99 ms/act', digits: 3 },
      { key: 'library', label: 'library size', digits: 0 },
    ],
  },
  imagination: {
    title: 'Imagination overhead (scripted server on loopback)',
    rowLabel: 'measure',
    columns: [
      { key: 'callsPerSecond', label: 'LLM calls/s', digits: 0 },
      { key: 'msPerCall', label: 'ms/call', digits: 3 },
      { key: 'overheadMs', label: 'ms/call over bare fetch', digits: 3 },
      { key: 'dialoguesPerSecond', label: 'dialogues/s', digits: 1 },
      { key: 'achievedOverIdeal', label: 'achieved ÷ ideal', digits: 3 },
    ],
  },
  quality: {
    title: 'Agent quality (held-out test personas, 95% intervals)',
    rowLabel: 'task, seed, agent',
    columns: [
      ...intervalColumns,
      { key: 'ilqlOverOracle', label: 'ILQL ÷ oracle', digits: 3 },
      { key: 'ilqlMinusFbc', label: 'ILQL − FBC', digits: 3 },
    ],
  },
  'token-quality': {
    title: 'Token-level against utterance-level ILQL (travel, held-out test personas, 95% intervals)',
    rowLabel: 'agent',
    columns: [
      ...intervalColumns,
      { key: 'turns', label: 'agent turns', digits: 2 },
      { key: 'beta', label: 'β (validation)', digits: 0 },
      { key: 'parameters', label: 'parameters', digits: 0 },
      { key: 'trainSeconds', label: 'training (s)', digits: 0 },
      { key: 'tokensPerSecond', label: 'tokens/s', digits: 0 },
    ],
  },
};

const resultsSchema = z.object({
  timestamp: z.string(),
  commit: z.string(),
  machine: z.record(z.string(), z.unknown()),
  settings: z.record(z.string(), z.unknown()),
  topics: z.record(z.string(), z.array(z.object({ name: z.string(), values: z.record(z.string(), z.number()) }))),
});

export type BenchResults = z.infer<typeof resultsSchema>;

const format = (value: number | undefined, digits: number): string => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

export const topicTable = (id: TopicId, rows: readonly ResultRow[]): string => {
  const topic = topics[id];
  const table = markdownTable(
    [topic.rowLabel, ...topic.columns.map((column) => column.label)],
    rows.map((row) => [row.name, ...topic.columns.map((column) => format(row.values[column.key], column.digits))]),
  );
  return `## ${topic.title}\n\n${table}`;
};

export const machineInfo = (backend: string): Record<string, unknown> => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  totalMemoryMB: Math.round(totalmem() / 2 ** 20),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  backend,
});

/** The checked-out commit, or "unknown" outside a git work tree. */
export const gitCommit = (): string => {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

/** Writes `<dir>/<timestamp>.json`; colons become dashes so the name is valid on every file system. */
export const writeResults = async (directory: string, results: BenchResults): Promise<string> => {
  const file = join(directory, `${results.timestamp.replaceAll(':', '-')}.json`);
  await writeFileAtomic(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
};

export const loadResults = async (file: string): Promise<BenchResults> => {
  const parsed = resultsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a benchmark results file:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

/** Per topic, per row present in both runs: new ÷ old of every numeric column both have. */
export const compareTables = (current: BenchResults, old: BenchResults): string[] =>
  Object.entries(current.topics).flatMap(([id, rows]) => {
    const known = topics[id as TopicId] as Topic | undefined;
    const oldRows = new Map((old.topics[id] ?? []).map((row) => [row.name, row.values]));
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row.values)))].filter((key) =>
      rows.some((row) => row.values[key] !== undefined && oldRows.get(row.name)?.[key] !== undefined),
    );
    const paired = rows.filter((row) => oldRows.has(row.name));
    if (keys.length === 0 || paired.length === 0) return [];
    const label = (key: string) => known?.columns.find((column) => column.key === key)?.label ?? key;
    const table = markdownTable(
      [known?.rowLabel ?? 'row', ...keys.map((key) => `${label(key)} new÷old`)],
      paired.map((row) => [row.name, ...keys.map((key) => format(ratio(row.values[key], oldRows.get(row.name)?.[key]), 3))]),
    );
    return [`## ${known?.title ?? id}: new ÷ old\n\n${table}`];
  });

const ratio = (now: number | undefined, before: number | undefined): number | undefined =>
  now === undefined || before === undefined || before === 0 ? undefined : now / before;
