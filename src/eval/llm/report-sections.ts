/**
 * The parts of report.md and report.html that only LLM-judged evaluations have: a table of the
 * four 1–5 ratings with 95% intervals, and a table of what could not be judged, who the judge
 * blamed for failures, and how often the simulated user left their persona. Both are empty for
 * evaluations without an LLM judge, so built-in task reports stay as they were.
 *
 * @example
 * const markdown = llmMarkdown(results); // '' when no agent was judged by an LLM
 */
import type { AgentResult } from '../evaluate.ts';
import { escapeHtml, formatNumber } from '../html.ts';
import { agentLabel } from '../labels.ts';
import { markdownTable } from '../markdown.ts';
import type { Interval } from '../stats.ts';
import { failureCauses, ratingLabels, ratingNames } from './schemas.ts';
import type { LlmSummary } from './summary.ts';

type Judged = AgentResult<unknown> & { llm: LlmSummary };

const judged = (results: readonly AgentResult<unknown>[]): Judged[] => results.filter((result): result is Judged => result.llm !== undefined);

const text = (value: Interval | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value.mean) ? '—' : `${value.mean.toFixed(digits)} [${value.low.toFixed(digits)}, ${value.high.toFixed(digits)}]`;

const causeLabels = { agent: 'agent', 'user-simulator': 'user simulator', task: 'task' } as const;

const ratingHeader = ['agent', ...ratingNames.map((name) => `${ratingLabels[name]} (1–5, 95% CI)`)];
const ratingCells = (result: Judged, cell: (value: Interval | undefined) => string) => ratingNames.map((name) => cell(result.llm.ratings?.[name]));

const accountHeader = ['agent', 'judged', 'judge failures', 'simulator failures', ...failureCauses.map((cause) => `failed: ${causeLabels[cause]}`), 'left persona (95% CI)'];
const accountCells = (result: Judged, cell: (value: Interval | undefined) => string) => [
  String(result.llm.judged),
  String(result.llm.judgeFailures),
  String(result.llm.simulatorFailures),
  ...failureCauses.map((cause) => String(result.llm.failureCauses[cause])),
  `${cell(result.llm.personaLeaving)}${result.llm.personaCheckFailures > 0 ? ` (${result.llm.personaCheckFailures} unchecked)` : ''}`,
];

/** Markdown tables for report.md, with the sentence that explains them; '' without LLM-judged agents. */
export const llmMarkdown = (results: readonly AgentResult<unknown>[]): string => {
  const rows = judged(results);
  if (rows.length === 0) return '';
  return [
    markdownTable(ratingHeader, rows.map((result) => [agentLabel(result.name), ...ratingCells(result, (value) => text(value, 2))])),
    '',
    markdownTable(accountHeader, rows.map((result) => [agentLabel(result.name), ...accountCells(result, (value) => text(value, 3))])),
    '',
    'The LLM judge rated every episode it could read; "failed: …" counts unsuccessful judged episodes by the cause the judge named;',
    '"left persona" is the share of checked episodes in which the simulated user broke their persona (Wilson 95% interval).',
  ].join('\n');
};

const htmlCell = (value: Interval | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value.mean)
    ? '—'
    : `${formatNumber(value.mean, digits)} <span class="ci">[${formatNumber(value.low, digits)}, ${formatNumber(value.high, digits)}]</span>`;

const htmlTable = (id: string, header: readonly string[], rows: readonly (readonly string[])[]): string =>
  `<div class="table-wrap"><table class="results" id="${id}"><thead><tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>\n` +
  rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n') +
  '\n</tbody></table></div>';

/** The same tables for report.html; '' without LLM-judged agents. */
export const llmHtml = (results: readonly AgentResult<unknown>[]): string => {
  const rows = judged(results);
  if (rows.length === 0) return '';
  return [
    '<h2 id="ratings">Ratings by the LLM judge</h2>',
    htmlTable('llm-ratings', ratingHeader, rows.map((result) => [escapeHtml(agentLabel(result.name)), ...ratingCells(result, (value) => htmlCell(value, 2))])),
    htmlTable('llm-account', accountHeader, rows.map((result) => [escapeHtml(agentLabel(result.name)), ...accountCells(result, (value) => htmlCell(value, 3))])),
    '<p class="muted">Ratings are integers 1–5 (mean, Student t 95% interval clipped to the scale) over the episodes the judge could read. Episodes it could not read, or whose ' +
      'simulated user gave an unusable reply, are counted apart and left out of every mean. “failed: …” counts unsuccessful episodes by the cause the judge ' +
      'named; “left persona” is the share of checked episodes in which the simulated user broke their persona (Wilson 95% interval).</p>',
  ].join('\n');
};
