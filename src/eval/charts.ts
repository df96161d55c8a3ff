/**
 * The report's charts, drawn offline: each is a Vega-Lite spec compiled to Vega and rendered
 * to an SVG string in Node (no browser, no canvas), so report.html can inline it and open from
 * disk with nothing to fetch.
 *
 * @example
 * const svg = await renderSvg(successChart(results)); // '<svg xmlns=… class="marks" …>…</svg>'
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { AgentResult, EpisodeRecord } from './evaluate.ts';
import { agentLabel } from './labels.ts';
import { ratingLabels, ratingNames } from './llm/schemas.ts';

const WIDTH = 520;
// Without a canvas in Node, Vega estimates text widths generously and would cut long agent
// labels short; a high limit keeps them whole.
const LABEL_LIMIT = 400;
const config = { font: 'sans-serif', view: { stroke: null }, axis: { labelLimit: LABEL_LIMIT }, header: { labelLimit: LABEL_LIMIT }, legend: { labelLimit: LABEL_LIMIT } };

/** Episodes that have a judgement worth plotting: all of them, unless an LLM judge could not read some. */
const judged = (result: AgentResult<unknown>): EpisodeRecord<unknown>[] => result.episodes.filter((record) => record.llm === undefined || record.llm.verdict !== undefined);

/** Agents keep the order they were evaluated in, as in the table, rather than alphabetical. */
const agentOrder = (results: readonly AgentResult<unknown>[]): string[] => results.map((result) => agentLabel(result.name));

const agentAxis = (results: readonly AgentResult<unknown>[]) =>
  ({ field: 'agent', type: 'nominal', title: null, sort: agentOrder(results), axis: { labelLimit: LABEL_LIMIT } }) as const;

/** Success rate per agent: a bar at the rate and a whisker over its Wilson 95% interval. */
export const successChart = (results: readonly AgentResult<unknown>[]): TopLevelSpec => ({
  config,
  width: WIDTH,
  background: 'white',
  data: { values: results.map((result) => ({ agent: agentLabel(result.name), ...result.success })) },
  encoding: { y: agentAxis(results) },
  layer: [
    {
      mark: { type: 'bar', color: '#7aa6d6' },
      encoding: { x: { field: 'mean', type: 'quantitative', title: 'success rate (95% CI)', scale: { domain: [0, 1] } } },
    },
    { mark: { type: 'errorbar', ticks: true, color: '#1f3b5c' }, encoding: { x: { field: 'low', type: 'quantitative', title: 'success rate (95% CI)' }, x2: { field: 'high' } } },
  ],
});

/**
 * Reward distribution per agent: the share of episodes in each reward bin, one row an agent,
 * with a red rule at the mean. A histogram rather than a box plot because rewards pile up at
 * 0 (the user left) and near 1, which a box plot hides.
 */
export const rewardChart = (results: readonly AgentResult<unknown>[]): TopLevelSpec => {
  const values = results.flatMap((result) => judged(result).map(({ episode }) => ({ agent: agentLabel(result.name), reward: episode.judgement.reward })));
  const rewards = values.map((value) => value.reward);
  const extent: [number, number] = [Math.min(0, ...rewards), Math.max(1, ...rewards)];
  const step = 0.05;
  return {
    config,
    background: 'white',
    data: { values },
    facet: { row: { field: 'agent', type: 'nominal', title: null, sort: agentOrder(results), header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontWeight: 'bold', labelLimit: LABEL_LIMIT } } },
    spacing: 6,
    spec: {
      width: WIDTH,
      height: 60,
      layer: [
        {
          transform: [
            { bin: { extent, step }, field: 'reward', as: ['bin_start', 'bin_end'] },
            { aggregate: [{ op: 'count', as: 'count' }], groupby: ['agent', 'bin_start', 'bin_end'] },
            { joinaggregate: [{ op: 'sum', field: 'count', as: 'total' }], groupby: ['agent'] },
            { calculate: 'datum.count / datum.total', as: 'share' },
            // Spoken by screen readers, and lets a test find each agent's bars.
            { calculate: "datum.agent + ': reward ' + format(datum.bin_start, '.2f') + '–' + format(datum.bin_end, '.2f') + ', ' + format(datum.share, '.0%') + ' of episodes'", as: 'description' },
          ],
          mark: { type: 'bar', color: '#7aa6d6' },
          encoding: {
            x: { field: 'bin_start', type: 'quantitative', bin: { binned: true, step }, title: 'judged reward (red: mean)', scale: { domain: extent } },
            x2: { field: 'bin_end' },
            y: { field: 'share', type: 'quantitative', title: 'share', axis: { format: '.0%', tickCount: 2 } },
            description: { field: 'description' },
          },
        },
        {
          transform: [{ aggregate: [{ op: 'mean', field: 'reward', as: 'mean' }], groupby: ['agent'] }],
          mark: { type: 'rule', color: '#c0392b', strokeWidth: 2 },
          encoding: { x: { field: 'mean', type: 'quantitative' } },
        },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
};

/** Turns per agent: how episodes split by the number of agent turns, as one 100% bar an agent. */
export const turnsChart = (results: readonly AgentResult<unknown>[]): TopLevelSpec => ({
  config,
  width: WIDTH,
  background: 'white',
  data: { values: results.flatMap((result) => judged(result).map(({ episode }) => ({ agent: agentLabel(result.name), turns: episode.steps.length }))) },
  transform: [{ aggregate: [{ op: 'count', as: 'episodes' }], groupby: ['agent', 'turns'] }],
  mark: { type: 'bar' },
  encoding: {
    y: agentAxis(results),
    x: { field: 'episodes', type: 'quantitative', stack: 'normalize', title: 'share of episodes', axis: { format: '.0%' } },
    color: { field: 'turns', type: 'ordinal', title: 'agent turns', scale: { scheme: 'blues' } },
    order: { field: 'turns', type: 'quantitative' },
  },
});

/** pass^k against k per agent, with its persona-bootstrap 95% band; only agents with trials > 1. */
export const passKChart = (results: readonly AgentResult<unknown>[]): TopLevelSpec => {
  const values = results.flatMap((result) => (result.passK ?? []).map((point) => ({ agent: agentLabel(result.name), ...point })));
  const color = { field: 'agent', type: 'nominal', title: null, sort: agentOrder(results), legend: { orient: 'bottom', columns: 2, labelLimit: LABEL_LIMIT } } as const;
  const x = { field: 'k', type: 'quantitative', title: 'k (attempts at the same persona)', axis: { tickMinStep: 1, format: 'd' } } as const;
  return {
    config,
    width: WIDTH,
    height: 180,
    background: 'white',
    data: { values },
    layer: [
      // The band keeps out of the legend, which would otherwise draw its faint fill for every agent.
      { mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: { ...color, legend: null } } },
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'pass^k (95% CI)', scale: { domain: [0, 1] } }, color } },
    ],
    // Separate legends per layer, so the band's `legend: null` does not hide the line's.
    resolve: { legend: { color: 'independent' } },
  };
};

/** The LLM judge's mean 1–5 ratings per criterion, one row a criterion, a point and 95% whisker per agent. */
export const ratingsChart = (results: readonly AgentResult<unknown>[]): TopLevelSpec => {
  const values = results.flatMap((result) =>
    ratingNames.flatMap((name) => {
      const rating = result.llm?.ratings?.[name];
      return rating === undefined ? [] : [{ agent: agentLabel(result.name), criterion: ratingLabels[name], ...rating }];
    }),
  );
  const x = (field: string) => ({ field, type: 'quantitative' as const, title: 'rating (mean, 95% CI)', scale: { domain: [1, 5] } });
  return {
    config,
    background: 'white',
    data: { values },
    facet: { row: { field: 'criterion', type: 'nominal', title: null, sort: ratingNames.map((name) => ratingLabels[name]), header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontWeight: 'bold', labelLimit: LABEL_LIMIT } } },
    spacing: 6,
    spec: {
      width: WIDTH,
      encoding: { y: agentAxis(results) },
      layer: [
        { mark: { type: 'errorbar', ticks: true, color: '#1f3b5c' }, encoding: { x: x('low'), x2: { field: 'high' } } },
        { mark: { type: 'point', filled: true, color: '#2f6db3', size: 60 }, encoding: { x: x('mean') } },
      ],
    },
  };
};

/** Vega-Lite → Vega → SVG text, entirely in this process. */
export const renderSvg = async (spec: TopLevelSpec): Promise<string> => {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};
