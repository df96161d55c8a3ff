import { describe, expect, it } from 'vitest';
import { passKChart, renderSvg, rewardChart, successChart, turnsChart } from './charts.ts';
import type { AgentResult, EpisodeRecord } from './evaluate.ts';
import { agentLabel } from './labels.ts';

const record = (index: number, reward: number, steps: number): EpisodeRecord<unknown> => ({
  index,
  trial: 0,
  persona: {},
  episode: {
    turns: [{ role: 'user', text: 'hi' }],
    steps: Array.from({ length: steps }, () => ({ text: 'ok' })),
    judgement: { reward, success: reward >= 0.8, reason: '' },
    ended: 'user',
  },
});

const result = (name: string, rewards: number[], extra: Partial<AgentResult<unknown>> = {}): AgentResult<unknown> => ({
  name,
  success: { mean: 0.4, low: 0.2, high: 0.6 },
  reward: { mean: 0.5, low: 0.4, high: 0.6 },
  turns: 2,
  trials: 1,
  episodes: rewards.map((reward, index) => record(index, reward, 1 + (index % 3))),
  ...extra,
});

// The oracle first: charts must keep the evaluation order, not sort by name.
const results = [result('oracle', [1, 1, 0.95]), result('naive', [0, 0.5, 0.55, 0.9]), result('my-agent', [-0.1, 0.3])];

/** aria-labels of the marks of one kind, the text Vega writes for each bar or line. */
const marks = (svg: string, role: string): string[] =>
  [...svg.matchAll(/aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="([^"]*)"/g)].filter((match) => match[2] === role).map((match) => match[1] ?? '');

describe('charts', () => {
  it('draw the success rate with an interval per agent, in evaluation order', async () => {
    const svg = await renderSvg(successChart(results));
    expect(svg.startsWith('<svg')).toBe(true);
    const bars = marks(svg, 'bar');
    expect(bars).toHaveLength(3);
    expect(bars.map((label) => label.split('agent: ')[1])).toEqual(results.map((r) => agentLabel(r.name)));
    expect(marks(svg, 'errorbar')).toHaveLength(3);
    expect(svg.indexOf(agentLabel('oracle'))).toBeLessThan(svg.indexOf(agentLabel('naive')));
  });

  it('draw the reward histogram per agent, reaching below 0 when a reward does', async () => {
    const svg = await renderSvg(rewardChart(results));
    const bars = marks(svg, 'bar');
    for (const r of results) expect(bars.some((label) => label.startsWith(`${agentLabel(r.name)}: reward`))).toBe(true);
    // d3-format writes negative numbers with U+2212 minus signs.
    expect(bars.some((label) => label.startsWith('my-agent: reward −0.10–−0.05'))).toBe(true);
    expect(marks(svg, 'rule mark')).toHaveLength(3);
  });

  it('draw the split of agent turns per agent', async () => {
    const svg = await renderSvg(turnsChart(results));
    const bars = marks(svg, 'bar');
    expect(bars.filter((label) => label.includes(`agent: ${agentLabel('naive')};`))).toHaveLength(3);
    expect(bars.filter((label) => label.includes('agent: my-agent;'))).toHaveLength(2);
  });

  it('draw pass^k curves for agents evaluated with trials', async () => {
    const passK = [1, 2, 3].map((k) => ({ k, mean: 0.6 / k, low: 0.5 / k, high: 0.7 / k }));
    const svg = await renderSvg(passKChart([result('ilql', [1], { trials: 3, passK }), result('naive', [0])]));
    expect(marks(svg, 'line mark').some((label) => label.includes(agentLabel('ilql')))).toBe(true);
    expect(marks(svg, 'area mark').length).toBeGreaterThan(0);
  });
});
