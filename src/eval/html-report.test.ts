import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentStep } from '../task/types.ts';
import type { AgentResult, EpisodeRecord } from './evaluate.ts';
import { escapeHtml, formatNumber } from './html.ts';
import { htmlReport } from './html-report.ts';
import { agentTranscripts, MAX_TRANSCRIPTS_PER_AGENT } from './html-transcripts.ts';

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

const record = (index: number, success: boolean, steps: AgentStep[] = [{ text: 'Try the museum.' }]): EpisodeRecord<unknown> => ({
  index,
  trial: 0,
  persona: { kind: 'museum', note: HOSTILE, patience: 3 },
  episode: {
    turns: [{ role: 'user', text: `Hi ${HOSTILE}` }, ...steps.flatMap((step) => [{ role: 'agent' as const, text: step.text }, { role: 'user' as const, text: 'Hmm.' }])],
    steps,
    judgement: { reward: success ? 0.9 : 0, success, reason: `judge says ${HOSTILE}` },
    ended: 'user',
  },
});

const result = (name: string, episodes: EpisodeRecord<unknown>[]): AgentResult<unknown> => ({
  name,
  success: { mean: 0.5, low: 0.2, high: 0.8 },
  reward: { mean: 0.45, low: 0.3, high: 0.6 },
  turns: 1,
  trials: 1,
  episodes,
});

const scoredStep: AgentStep = {
  text: 'Do you like hiking?',
  candidates: [
    { text: 'Do you like hiking?', q: 0.81234, v: 0.5, advantage: 0.31234, prior: -1.5, score: 1.1 },
    { text: `Try ${HOSTILE}`, score: -2 },
  ],
};

describe('escapeHtml and formatNumber', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml('plain words')).toBe('plain words');
  });

  it('prints a dash for missing or non-finite numbers', () => {
    expect(formatNumber(0.12345)).toBe('0.123');
    expect(formatNumber(2, 2)).toBe('2.00');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });
});

describe('agentTranscripts', () => {
  it('shows the candidates of each agent turn, the one said highlighted, missing values as dashes', () => {
    const html = agentTranscripts(result('ilql', [record(0, true, [scoredStep, { text: 'I recommend the Louvre.' }])]));
    expect(html.match(/<table class="candidates">/g)).toHaveLength(1);
    expect(html).toContain('<tr class="chosen"><td>Do you like hiking?</td><td>0.812</td><td>0.500</td><td>0.312</td><td>-1.500</td><td>1.100</td></tr>');
    expect(html).toContain(`<tr><td>Try ${escapeHtml(HOSTILE)}</td><td>—</td><td>—</td><td>—</td><td>—</td><td>-2.000</td></tr>`);
    expect(html).toContain('2 candidates considered');
    expect(html).toContain('2 agent turns');
    expect(html).not.toContain('answer chance');
  });

  it('adds each candidate’s answer chance as a last column when the agent acted by it', () => {
    const step: AgentStep = {
      text: 'Is it in Europe?',
      candidates: [
        { text: 'Is it in Europe?', score: -0.5, prior: -0.5, answerChance: 0.97 },
        { text: 'Is it a small country?', score: -0.2, prior: -0.2, answerChance: 0.04 },
      ],
    };
    const html = agentTranscripts(result('bc', [record(0, true, [step])]));
    expect(html).toContain('<th>score</th><th>answer chance</th>');
    expect(html).toContain('<tr><td>Is it a small country?</td><td>—</td><td>—</td><td>—</td><td>-0.200</td><td>-0.200</td><td>0.040</td></tr>');
  });

  it(`includes at most ${MAX_TRANSCRIPTS_PER_AGENT} episodes and says where the rest are`, () => {
    const many = agentTranscripts(result('bc', Array.from({ length: MAX_TRANSCRIPTS_PER_AGENT + 5 }, (_, index) => record(index, index % 2 === 0))));
    expect(many.match(/<details class="episode"/g)).toHaveLength(MAX_TRANSCRIPTS_PER_AGENT);
    expect(many).toContain(`the first ${MAX_TRANSCRIPTS_PER_AGENT} of ${MAX_TRANSCRIPTS_PER_AGENT + 5} episodes; all are in episodes/bc.jsonl`);
    const few = agentTranscripts(result('bc', [record(0, true), record(1, false)]));
    expect(few).toContain('(2 episodes)');
  });
});

describe('htmlReport', () => {
  let html: string;
  beforeAll(async () => {
    html = await htmlReport({
      task: `travel ${HOSTILE}`,
      results: [result('naive', [record(0, false), record(1, true)]), result(`odd-${HOSTILE}`, [record(0, true, [scoredStep])])],
      settings: { note: HOSTILE },
      notes: [`a note ${HOSTILE}`],
    });
  });

  it('is one self-contained page: no scripts, no external resources, and a policy that forbids loading any', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|image|use)\b/i);
    expect(html).not.toMatch(/\b(href|src)\s*=\s*["']?(https?:|\/\/|file:)/i);
    expect(html).not.toMatch(/url\(|@import/i);
  });

  it('escapes every piece of text that came from a run', () => {
    expect(html).not.toContain(HOSTILE);
    const escaped = escapeHtml(HOSTILE);
    for (const where of [`travel ${escaped}`, `Hi ${escaped}`, `judge says ${escaped}`, `a note ${escaped}`, `<dd>${escaped}</dd>`, `data-agent="odd-${escaped}"`]) expect(html).toContain(where);
    expect(html).toContain(escapeHtml(JSON.stringify({ note: HOSTILE }, null, 2)));
  });

  it('has a table row per agent and three charts, and a pass^k chart only with trials', () => {
    expect(html.match(/<tr data-agent=/g)).toHaveLength(2);
    expect(html).toContain('<td>0.500 <span class="ci">[0.200, 0.800]</span></td>');
    for (const id of ['chart-success', 'chart-reward', 'chart-turns']) expect(html).toMatch(new RegExp(`<figure id="${id}">[^]*?<svg [^]*?</svg>\\s*</figure>`));
    expect(html).not.toContain('chart-pass-k');
    expect(html).not.toContain('pass<sup>');
  });
});
