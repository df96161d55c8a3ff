/**
 * Turns evaluation results into what people read: a Markdown table (printed in the terminal
 * and saved as report.md), results.json with the same numbers, and one JSONL file of
 * transcripts per agent.
 *
 * @example
 * console.log(resultsTable(results));
 * await writeReport('run', { task: 'travel', results, notes: ['…'] });
 */
import { join } from 'node:path';
import { writeJsonlAtomic } from '../data/jsonl.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { AgentResult } from './evaluate.ts';
import type { Interval } from './stats.ts';

export const agentLabels: Record<string, string> = {
  behaviour: 'behaviour in the imagined data',
  naive: 'naive (recommends at once)',
  bc: 'BC',
  fbc: 'filtered BC',
  ilql: 'ILQL (utterance-level)',
  oracle: 'oracle (knows the hidden persona)',
};

const interval = (value: Interval, digits = 3): string => `${value.mean.toFixed(digits)} [${value.low.toFixed(digits)}, ${value.high.toFixed(digits)}]`;

/** A Markdown table whose columns line up, so it reads the same in a terminal. */
export const markdownTable = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
};

export const resultsTable = (results: readonly AgentResult<unknown>[]): string =>
  markdownTable(
    ['agent', 'success (95% CI)', 'mean reward (95% CI)', 'mean turns'],
    results.map((result) => [agentLabels[result.name] ?? result.name, interval(result.success), interval(result.reward), result.turns.toFixed(2)]),
  );

export type ReportInput = {
  task: string;
  results: readonly AgentResult<unknown>[];
  /** Extra facts for results.json (seeds, episodes, chosen β, timings). */
  settings: Record<string, unknown>;
  /** Lines of prose placed under the table in report.md. */
  notes: readonly string[];
};

export const resultsJson = (input: ReportInput) => ({
  task: input.task,
  agents: input.results.map((result) => ({ name: result.name, success: result.success, reward: result.reward, turns: result.turns, episodes: result.episodes.length })),
  settings: input.settings,
});

export const writeReport = async (directory: string, input: ReportInput): Promise<void> => {
  const markdown = [
    `# Reverie evaluation: ${input.task}`,
    '',
    resultsTable(input.results),
    '',
    'Success is the share of episodes the judge marked successful (Wilson 95% interval); reward is the judged',
    'reward in [0, 1] (Student t 95% interval). Every agent met the same held-out personas.',
    '',
    ...input.notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
  await writeFileAtomic(join(directory, 'report.md'), markdown);
  await writeFileAtomic(join(directory, 'results.json'), `${JSON.stringify(resultsJson(input), null, 2)}\n`);
  for (const result of input.results) {
    await writeJsonlAtomic(
      join(directory, 'episodes', `${result.name}.jsonl`),
      result.episodes.map(({ index, persona, episode }) => ({ index, persona, turns: episode.turns, judgement: episode.judgement, ended: episode.ended, steps: episode.steps })),
    );
  }
};
