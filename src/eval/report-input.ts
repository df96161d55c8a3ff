/**
 * What a report is written from: the task, each agent's results, the settings for results.json
 * and the notes under the table. Its own module because both the Markdown and the HTML writer
 * read it.
 *
 * @example
 * const input: ReportInput = { task: 'travel', results, settings: { seed: 1000 }, notes: [] };
 */
import type { AgentResult } from './evaluate.ts';

export type ReportInput = {
  task: string;
  results: readonly AgentResult<unknown>[];
  /** Extra facts for results.json (seeds, episodes, chosen β, timings). */
  settings: Record<string, unknown>;
  /** Lines of prose placed under the table in report.md. */
  notes: readonly string[];
};
