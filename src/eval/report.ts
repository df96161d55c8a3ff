/**
 * Turns evaluation results into what people read: a Markdown table (printed in the terminal
 * and saved as report.md), results.json with the same numbers, report.html (the table, charts
 * and every transcript in one self-contained page), and one JSONL file of transcripts per agent.
 *
 * @example
 * console.log(resultsTable(results));
 * await writeReport('run', { task: 'travel', results, notes: ['…'] });
 */
import { join } from 'node:path';
import { writeJsonlAtomic } from '../data/jsonl.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { AgentResult } from './evaluate.ts';
import { htmlReport } from './html-report.ts';
import { agentLabel } from './labels.ts';
import { DIAGNOSTICS_NOTE, diagnosticsTable } from './diagnostics.ts';
import { llmMarkdown } from './llm/report-sections.ts';
import { markdownTable } from './markdown.ts';
import { PASS_K_BOOTSTRAP } from './pass-k.ts';
import type { Interval } from './stats.ts';
import type { ReportInput } from './report-input.ts';

export { agentLabels } from './labels.ts';
export { markdownTable };

// An agent whose every episode was unusable to the LLM judge has no numbers: a dash, not "NaN".
const interval = (value: Interval, digits = 3): string =>
  Number.isFinite(value.mean) ? `${value.mean.toFixed(digits)} [${value.low.toFixed(digits)}, ${value.high.toFixed(digits)}]` : '—';

export const resultsTable = (results: readonly AgentResult<unknown>[]): string =>
  markdownTable(
    ['agent', 'success (95% CI)', 'mean reward (95% CI)', 'mean turns'],
    results.map((result) => [agentLabel(result.name), interval(result.success), interval(result.reward), Number.isFinite(result.turns) ? result.turns.toFixed(2) : '—']),
  );

/** pass^k columns for agents evaluated with trials > 1; empty when there are none. */
export const passKTable = (results: readonly AgentResult<unknown>[]): string => {
  const most = Math.max(0, ...results.map((result) => result.passK?.length ?? 0));
  if (most === 0) return '';
  const ks = Array.from({ length: most }, (_, at) => at + 1);
  const cell = (result: AgentResult<unknown>, k: number): string => {
    const point = result.passK?.[k - 1];
    return point === undefined ? '—' : interval(point);
  };
  return markdownTable(
    ['agent', ...ks.map((k) => `pass^${k} (95% CI)`)],
    results.map((result) => [agentLabel(result.name), ...ks.map((k) => cell(result, k))]),
  );
};

export type { ReportInput };

// trials and passK appear only for agents evaluated with trials > 1, and llm only for agents an
// LLM judged, so a built-in task's trials = 1 run writes exactly the results.json it always did.
export const resultsJson = (input: ReportInput) => ({
  task: input.task,
  agents: input.results.map((result) => ({
    name: result.name,
    success: result.success,
    reward: result.reward,
    turns: result.turns,
    episodes: result.episodes.length,
    ...(result.passK === undefined ? {} : { trials: result.trials, passK: result.passK }),
    ...(result.llm === undefined ? {} : { llm: result.llm }),
    ...(result.diagnostics === undefined ? {} : { diagnostics: result.diagnostics }),
  })),
  settings: input.settings,
});

const PASS_K_NOTE = [
  'pass^k is the chance that k attempts at the same persona all succeed, C(c,k)/C(n,k) for c successes in n trials,',
  `averaged over personas (95% percentile bootstrap over personas, ${PASS_K_BOOTSTRAP.resamples} resamples, seed ${PASS_K_BOOTSTRAP.seed}, never`,
  'narrower than Wilson’s interval over the personas); pass^1 is the success rate.',
];

export const writeReport = async (directory: string, input: ReportInput): Promise<void> => {
  const passK = passKTable(input.results);
  const llm = llmMarkdown(input.results);
  const diagnostics = diagnosticsTable(input.results);
  const markdown = [
    `# Reverie evaluation: ${input.task}`,
    '',
    resultsTable(input.results),
    '',
    'Success is the share of episodes the judge marked successful (Wilson 95% interval); reward is the judged',
    'reward in [0, 1] (Student t 95% interval). With several trials per persona both intervals come from a bootstrap',
    'over personas instead (a persona’s trials are not independent), never narrower than Wilson’s over the personas.',
    'Every agent met the same held-out personas.',
    '',
    ...(passK === '' ? [] : [passK, '', ...PASS_K_NOTE, '']),
    ...(diagnostics === '' ? [] : ['## How the agents behaved', '', diagnostics, '', DIAGNOSTICS_NOTE, '']),
    ...(llm === '' ? [] : [llm, '']),
    ...input.notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
  await writeFileAtomic(join(directory, 'report.md'), markdown);
  await writeFileAtomic(join(directory, 'results.json'), `${JSON.stringify(resultsJson(input), null, 2)}\n`);
  await writeFileAtomic(join(directory, 'report.html'), await htmlReport(input));
  for (const result of input.results) {
    await writeJsonlAtomic(
      join(directory, 'episodes', `${result.name}.jsonl`),
      result.episodes.map(({ index, trial, persona, episode, llm }) => ({
        index,
        ...(result.trials > 1 ? { trial } : {}),
        persona,
        turns: episode.turns,
        judgement: episode.judgement,
        ended: episode.ended,
        steps: episode.steps,
        ...(llm === undefined ? {} : { llm }),
      })),
    );
  }
};
