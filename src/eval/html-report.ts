/**
 * report.html: one self-contained page — comparison table, charts as inline SVG, every
 * transcript — that opens from disk with no server. Nothing is fetched: no scripts at all,
 * styles inline, charts pre-rendered, and a Content-Security-Policy that forbids any load, so
 * even a transcript that slipped past escaping could not reach the network.
 *
 * @example
 * await writeFile('run/report.html', await htmlReport({ task: 'travel', results, settings: {}, notes: [] }));
 */
import { DIAGNOSTICS_NOTE, diagnosticsCells } from './diagnostics.ts';
import { passKChart, ratingsChart, renderSvg, rewardChart, successChart, turnsChart } from './charts.ts';
import type { AgentResult } from './evaluate.ts';
import { escapeHtml, formatNumber } from './html.ts';
import { agentTranscripts, MAX_TRANSCRIPTS_PER_AGENT } from './html-transcripts.ts';
import { agentLabel } from './labels.ts';
import { llmHtml } from './llm/report-sections.ts';
import type { ReportInput } from './report-input.ts';
import type { Interval } from './stats.ts';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1d2329; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #dde3ea; }
.muted, .ci { color: #66707a; } .ci { font-size: 0.9em; }
table { border-collapse: collapse; } th, td { padding: 4px 8px; border-bottom: 1px solid #e3e7ec; vertical-align: top; }
th { text-align: left; background: #f3f5f8; } .table-wrap { overflow-x: auto; }
table.results td:first-child { min-width: 12em; }
table.results td + td, table.candidates td + td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1.2em 0; } figcaption { font-weight: 600; margin-bottom: 0.4em; } figure svg { max-width: 100%; height: auto; }
details.agent-transcripts { margin: 0.6em 0; border: 1px solid #dde3ea; border-radius: 6px; padding: 0.4em 0.8em; }
details.agent-transcripts > summary { font-weight: 600; cursor: pointer; }
details.episode { margin: 0.3em 0 0.3em 1em; } details.episode > summary { cursor: pointer; }
.episode-body { margin: 0.4em 0 1em 1.2em; }
.badge { display: inline-block; min-width: 4.5em; text-align: center; border-radius: 4px; padding: 0 4px; font-size: 0.85em; }
.badge.success { background: #d8f0dd; color: #1b5e2a; } .badge.failure { background: #f7dcdc; color: #7a1f1f; }
dl.persona { display: grid; grid-template-columns: max-content 1fr; gap: 0 1em; margin: 0.3em 0; } dl.persona dt { color: #66707a; } dl.persona dd { margin: 0; }
ol.turns { list-style: none; padding: 0; } li.turn { margin: 0.4em 0; padding: 0.3em 0.6em; border-radius: 6px; }
li.turn.user { background: #f3f5f8; } li.turn.agent { background: #eaf2fb; margin-left: 2em; }
li.turn p { margin: 0.1em 0; white-space: pre-wrap; } .who { font-size: 0.8em; color: #66707a; text-transform: uppercase; }
table.candidates { font-size: 0.85em; margin: 0.3em 0; background: white; } table.candidates caption { text-align: left; color: #66707a; }
.table-wrap + .table-wrap { margin-top: 1em; }
pre.raw { white-space: pre-wrap; background: #fbf3f3; padding: 0.4em 0.6em; border-radius: 4px; }
table.candidates tr.chosen td { background: #fff4c2; font-weight: 600; } table.candidates td:first-child { max-width: 520px; }
`;

const intervalCell = (value: Interval): string =>
  `${formatNumber(value.mean)} <span class="ci">[${formatNumber(value.low)}, ${formatNumber(value.high)}]</span>`;

const resultsTableHtml = (results: readonly AgentResult<unknown>[]): string => {
  const most = Math.max(0, ...results.map((result) => result.passK?.length ?? 0));
  const ks = Array.from({ length: most }, (_, at) => at + 1);
  const header = ['agent', 'success (95% CI)', 'mean reward (95% CI)', 'mean turns', 'episodes', ...ks.map((k) => `pass<sup>${k}</sup> (95% CI)`)];
  const rows = results.map((result) => {
    const cells = [
      escapeHtml(agentLabel(result.name)),
      intervalCell(result.success),
      intervalCell(result.reward),
      formatNumber(result.turns, 2),
      result.trials > 1 ? `${result.episodes.length} (${new Set(result.episodes.map((record) => record.index)).size} personas × ${result.trials})` : String(result.episodes.length),
      ...ks.map((k) => {
        const point = result.passK?.[k - 1];
        return point === undefined ? '—' : intervalCell(point);
      }),
    ];
    return `<tr data-agent="${escapeHtml(result.name)}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
  });
  return `<div class="table-wrap"><table class="results"><thead><tr>${header.map((cell) => `<th>${cell}</th>`).join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
};

const figure = (id: string, caption: string, svg: string): string =>
  `<figure id="${id}"><figcaption>${escapeHtml(caption)}</figcaption>\n${svg}\n</figure>`;

const charts = async (results: readonly AgentResult<unknown>[]): Promise<string[]> => {
  const figures = [
    figure('chart-success', 'Success rate per agent, with Wilson 95% intervals', await renderSvg(successChart(results))),
    figure('chart-reward', 'Reward distribution per agent (share of episodes per bin; red rule at the mean)', await renderSvg(rewardChart(results))),
    figure('chart-turns', 'Agent turns per episode', await renderSvg(turnsChart(results))),
  ];
  if (results.some((result) => result.passK !== undefined)) {
    figures.push(figure('chart-pass-k', 'pass^k against k, with persona-bootstrap 95% bands', await renderSvg(passKChart(results))));
  }
  if (results.some((result) => result.llm?.ratings !== undefined)) {
    figures.push(figure('chart-ratings', 'Ratings by the LLM judge (1–5), mean with Student t 95% intervals', await renderSvg(ratingsChart(results))));
  }
  return figures;
};

const diagnosticsHtml = (results: ReportInput['results']): string => {
  const table = diagnosticsCells(results);
  if (table === undefined) return '';
  const row = (cells: readonly string[], tag: 'th' | 'td') => `<tr>${cells.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join('')}</tr>`;
  return [
    '<h2 id="behaviour">How the agents behaved</h2>',
    `<div class="table-wrap"><table class="diagnostics"><thead>${row(table.header, 'th')}</thead><tbody>${table.cells.map((cells) => row(cells, 'td')).join('')}</tbody></table></div>`,
    `<p class="muted">${escapeHtml(DIAGNOSTICS_NOTE)}</p>`,
  ].join('\n');
};

export const htmlReport = async (input: ReportInput): Promise<string> => {
  const { results } = input;
  const withPassK = results.some((result) => result.passK !== undefined);
  const truncated = results.some((result) => result.episodes.length > MAX_TRANSCRIPTS_PER_AGENT);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Reverie evaluation: ${escapeHtml(input.task)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>Reverie evaluation: ${escapeHtml(input.task)}</h1>`,
    '<h2 id="results">Results</h2>',
    resultsTableHtml(results),
    '<p class="muted">Success is the share of episodes the judge marked successful (Wilson 95% interval); reward is the judged reward ' +
      '(Student t 95% interval). With several trials per persona both intervals come from a bootstrap over personas instead (a persona’s ' +
      'trials are not independent), never narrower than Wilson’s over the personas. Every agent met the same held-out personas.' +
      (withPassK
        ? ' pass<sup>k</sup> is the chance that k attempts at the same persona all succeed, C(c,k)/C(n,k) for c successes in n trials, averaged over ' +
          'personas, with a 95% percentile bootstrap over personas (never narrower than Wilson’s over the personas); pass<sup>1</sup> is the ' +
          'success rate.'
        : '') +
      '</p>',
    diagnosticsHtml(results),
    llmHtml(results),
    input.notes.length === 0 ? '' : `<ul>${input.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`,
    `<details><summary>settings</summary><pre>${escapeHtml(JSON.stringify(input.settings, null, 2))}</pre></details>`,
    '<h2 id="charts">Charts</h2>',
    ...(await charts(results)),
    '<h2 id="transcripts">Transcripts</h2>',
    `<p class="muted">Open an agent, then an episode.${truncated ? ` Agents with more than ${MAX_TRANSCRIPTS_PER_AGENT} episodes show their first ${MAX_TRANSCRIPTS_PER_AGENT}; episodes/&lt;agent&gt;.jsonl holds every one.` : ''} ` +
      'For value-based agents each agent turn lists the candidates weighed: Q (pessimistic min of the target heads), V, advantage Q − V, the behaviour model’s log prior, and the score the agent chose by.</p>',
    ...results.map(agentTranscripts),
    '</body></html>',
    '',
  ].join('\n');
};
