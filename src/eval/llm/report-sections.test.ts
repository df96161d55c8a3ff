import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResult, EpisodeRecord } from '../evaluate.ts';
import { summarise } from '../evaluate.ts';
import { escapeHtml } from '../html.ts';
import { htmlReport } from '../html-report.ts';
import { writeReport } from '../report.ts';
import { llmHtml, llmMarkdown } from './report-sections.ts';
import type { LlmEpisodeFacts } from './schemas.ts';
import { summariseLlm } from './summary.ts';

const HOSTILE = '<script>alert(1)</script>';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-llm-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const episode = (success: boolean) => ({
  turns: [{ role: 'user' as const, text: 'Hi' }, { role: 'agent' as const, text: 'What do you know?' }, { role: 'user' as const, text: 'Thanks!' }],
  steps: [{ text: 'What do you know?' }],
  judgement: { reward: success ? 1 : 0.25, success, reason: 'judged' },
  ended: 'user' as const,
});

const judged = (index: number, overall: number, success: boolean): EpisodeRecord<unknown> => {
  const llm: LlmEpisodeFacts = {
    personaId: `p${index}`,
    tokens: { input: 10, output: 1 },
    verdict: { reasoning: 'judged', ratings: { taskSuccess: overall, naturalness: 4, helpfulness: 3, overall }, success, failureCause: success ? 'none' : 'agent' },
    personaCheck: { leftPersona: index === 1, problem: index === 1 ? 'claimed to be a pilot' : '' },
  };
  return { index, trial: 0, persona: { id: `p${index}` }, episode: episode(success), llm };
};

const unjudged: EpisodeRecord<unknown> = {
  index: 3,
  trial: 0,
  persona: { id: 'p3' },
  episode: { ...episode(false), judgement: { reward: 0, success: false, reason: 'not judged: unusable' } },
  llm: { personaId: 'p3', tokens: { input: 1, output: 1 }, failure: { stage: 'judge', message: 'out of range', raw: [`{"overall": 7} ${HOSTILE}`] } },
};

const llmResult = summariseLlm('prompted', [judged(0, 5, true), judged(1, 2, false), judged(2, 4, true), unjudged]);
const builtIn: AgentResult<unknown> = summarise('naive', [{ index: 0, trial: 0, persona: { kind: 'museum' }, episode: episode(true) }]);

describe('the LLM sections of the reports', () => {
  it('are empty for evaluations without an LLM judge, so built-in reports do not change', async () => {
    expect(llmMarkdown([builtIn])).toBe('');
    expect(llmHtml([builtIn])).toBe('');
    const html = await htmlReport({ task: 'travel', results: [builtIn], settings: {}, notes: [] });
    expect(html).not.toContain('chart-ratings');
    expect(html).not.toContain('llm-ratings');
  });

  it('tabulate ratings with intervals, unusable episodes, failure causes and persona leaving', () => {
    const markdown = llmMarkdown([llmResult, builtIn]);
    expect(markdown).toContain('overall satisfaction (1–5, 95% CI)');
    // overall 5, 2, 4 → 3.67 ± 3.79, clipped to the scale; the unjudged episode is counted, not averaged.
    expect(markdown).toMatch(/\| prompted LLM \(no training\) +\| 3\.67 \[1\.00, 5\.00\] +\| 4\.00 \[4\.00, 4\.00\]/);
    // One of the three checked users left their persona: Wilson (1/3, 0.061, 0.792).
    expect(markdown).toMatch(/\| prompted LLM \(no training\) +\| 3 +\| 1 +\| 0 +\| 1 +\| 0 +\| 0 +\| 0\.333 \[0\.061, 0\.792\] +\|/);
    expect(markdown).not.toContain('naive');
  });

  it('go into report.md, results.json and report.html, with each episode’s ratings and raw unusable replies', async () => {
    await writeReport(dir, { task: 'instruction', results: [llmResult], settings: {}, notes: [] });
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('task success / information gathering (1–5, 95% CI)');
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { agents: { llm: { judged: number; judgeFailures: number; ratings: { overall: { mean: number } } } }[] };
    expect(json.agents[0]?.llm).toMatchObject({ judged: 3, judgeFailures: 1 });
    expect(json.agents[0]?.llm.ratings.overall.mean).toBeCloseTo(11 / 3, 12);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    for (const part of ['id="llm-ratings"', 'id="llm-account"', '<figure id="chart-ratings">', 'overall satisfaction 5', 'failure cause:</strong> agent', 'left their persona: claimed to be a pilot', 'not judged']) {
      expect(html).toContain(part);
    }
    expect(html).toContain(`<pre class="raw">${escapeHtml(`{"overall": 7} ${HOSTILE}`)}</pre>`);
    expect(html).not.toContain(HOSTILE);
    const lines = (await readFile(join(dir, 'episodes', 'prompted.jsonl'), 'utf8')).trim().split('\n');
    expect((JSON.parse(lines[3] ?? '{}') as { llm: { failure: { raw: string[] } } }).llm.failure.raw).toEqual([`{"overall": 7} ${HOSTILE}`]);
  });
});
