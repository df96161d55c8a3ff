import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentResult, EpisodeRecord } from './evaluate.ts';
import type { PassKPoint } from './pass-k.ts';
import { agentLabels, markdownTable, passKTable, resultsTable, writeReport } from './report.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-report-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (index: number, success: boolean): EpisodeRecord<unknown> => ({
  index,
  trial: 0,
  persona: { kind: 'museum', index },
  episode: {
    turns: [
      { role: 'user', text: 'Hi, what should I do?' },
      { role: 'agent', text: 'Try the museum.' },
      { role: 'user', text: success ? 'Great!' : 'No thanks.' },
    ],
    steps: [{ text: 'Try the museum.' }],
    judgement: { reward: success ? 1 : 0, success, reason: 'hand-made' },
    ended: 'user',
  },
});

const result = (name: string, success: [number, number, number], reward: [number, number, number], turns: number, episodes: number): AgentResult<unknown> => ({
  name,
  success: { mean: success[0], low: success[1], high: success[2] },
  reward: { mean: reward[0], low: reward[1], high: reward[2] },
  turns,
  trials: 1,
  episodes: Array.from({ length: episodes }, (_, index) => record(index, index % 2 === 0)),
});

const results = [
  result('ilql', [0.5, 0.4, 0.6], [0.75, 0.7, 0.8], 3.25, 4),
  result('fbc', [0.25, 0.1, 0.45], [0.5, 0.4, 0.6], 2, 3),
  result('my-agent', [1, 0.8, 1], [0.9, 0.85, 0.95], 1, 2),
];

describe('markdownTable', () => {
  const table = markdownTable(['a', 'longer header'], [
    ['a much longer cell', 'x'],
    ['', 'y'],
  ]);
  const lines = table.split('\n');

  it('aligns columns: every line has the same length and the bars line up', () => {
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    const bars = (line: string) => [...line].flatMap((char, at) => (char === '|' ? [at] : []));
    for (const line of lines) expect(bars(line)).toEqual(bars(lines[0] ?? ''));
  });

  it('has a header row, a separator row and one row per data row', () => {
    expect(lines[0]).toBe('| a                  | longer header |');
    expect(lines[1]).toBe('|--------------------|---------------|');
    expect(lines[2]).toBe('| a much longer cell | x             |');
    expect(lines[3]).toBe('|                    | y             |');
  });

  it('makes a header-only table when there are no rows', () => {
    expect(markdownTable(['x', 'yy'], [])).toBe('| x | yy |\n|---|----|');
  });
});

describe('resultsTable', () => {
  const table = resultsTable(results);
  const lines = table.split('\n');

  it('uses the human labels and keeps unknown names as they are', () => {
    expect(agentLabels['ilql']).toBe('ILQL (utterance-level)');
    expect(agentLabels['fbc']).toBe('filtered BC');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^\| ILQL \(utterance-level\) +\|/);
    expect(lines[3]).toMatch(/^\| filtered BC +\|/);
    expect(lines[4]).toMatch(/^\| my-agent +\|/);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('formats intervals with three decimals and turns with two', () => {
    const cells = (line: string | undefined) => (line ?? '').split('|').slice(1, -1).map((cell) => cell.trim());
    expect(cells(lines[0])).toEqual(['agent', 'success (95% CI)', 'mean reward (95% CI)', 'mean turns']);
    expect(cells(lines[2])).toEqual(['ILQL (utterance-level)', '0.500 [0.400, 0.600]', '0.750 [0.700, 0.800]', '3.25']);
    expect(cells(lines[3])).toEqual(['filtered BC', '0.250 [0.100, 0.450]', '0.500 [0.400, 0.600]', '2.00']);
    expect(cells(lines[4])).toEqual(['my-agent', '1.000 [0.800, 1.000]', '0.900 [0.850, 0.950]', '1.00']);
  });
});

describe('writeReport', () => {
  it('writes report.md, results.json and one episodes file per agent', async () => {
    const out = join(dir, 'run');
    await writeReport(out, { task: 'travel', results, settings: { seed: 1000, episodes: 4 }, notes: ['first note', 'second note'] });
    expect((await readdir(out)).sort()).toEqual(['episodes', 'report.html', 'report.md', 'results.json']);

    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    expect(markdown.startsWith('# Reverie evaluation: travel\n')).toBe(true);
    expect(markdown).toContain(resultsTable(results));
    expect(markdown).not.toContain('pass^');
    expect(markdown).toContain('- first note\n- second note');

    const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as Record<string, unknown>;
    expect(json['task']).toBe('travel');
    expect(json['settings']).toEqual({ seed: 1000, episodes: 4 });
    expect(json['agents']).toEqual(
      results.map(({ name, success, reward, turns, episodes }) => ({ name, success, reward, turns, episodes: episodes.length })),
    );

    expect((await readdir(join(out, 'episodes'))).sort()).toEqual(['fbc.jsonl', 'ilql.jsonl', 'my-agent.jsonl']);
    for (const agent of results) {
      const text = await readFile(join(out, 'episodes', `${agent.name}.jsonl`), 'utf8');
      const rows = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(rows).toHaveLength(agent.episodes.length);
      rows.forEach((row, index) => {
        const source = agent.episodes[index];
        expect(row).toEqual({
          index,
          persona: source?.persona,
          turns: source?.episode.turns,
          judgement: source?.episode.judgement,
          ended: 'user',
          steps: source?.episode.steps,
        });
      });
    }
  });
});

describe('reports of evaluations with trials', () => {
  const passK: PassKPoint[] = [
    { k: 1, mean: 0.5, low: 0.25, high: 0.75 },
    { k: 2, mean: 0.25, low: 0.05, high: 0.5 },
  ];
  const withTrials: AgentResult<unknown> = {
    ...result('ilql', [0.5, 0.4, 0.6], [0.75, 0.7, 0.8], 3.25, 4),
    trials: 2,
    passK,
    episodes: [0, 1].flatMap((index) => [0, 1].map((trial) => ({ ...record(index, trial === 0), trial }))),
  };
  const mixed = [withTrials, result('naive', [0.1, 0, 0.3], [0.4, 0.3, 0.5], 1, 2)];

  it('puts pass^k in its own table, with a dash for agents without trials', () => {
    expect(passKTable(results)).toBe('');
    const lines = passKTable(mixed).split('\n');
    const cells = (line: string | undefined) => (line ?? '').split('|').slice(1, -1).map((cell) => cell.trim());
    expect(cells(lines[0])).toEqual(['agent', 'pass^1 (95% CI)', 'pass^2 (95% CI)']);
    expect(cells(lines[2])).toEqual(['ILQL (utterance-level)', '0.500 [0.250, 0.750]', '0.250 [0.050, 0.500]']);
    expect(cells(lines[3])).toEqual(['naive (acts at once, without asking)', '—', '—']);
  });

  it('adds trials and passK to results.json, pass^k to report.md and the trial to each transcript line', async () => {
    const out = join(dir, 'trials');
    await writeReport(out, { task: 'travel', results: mixed, settings: {}, notes: [] });
    const json = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { agents: Record<string, unknown>[] };
    expect(json.agents[0]).toEqual({ name: 'ilql', success: withTrials.success, reward: withTrials.reward, turns: 3.25, episodes: 4, trials: 2, passK });
    expect(Object.keys(json.agents[1] ?? {})).toEqual(['name', 'success', 'reward', 'turns', 'episodes']);
    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain(passKTable(mixed));
    expect(markdown).toContain('C(c,k)/C(n,k)');
    const lines = (await readFile(join(out, 'episodes', 'ilql.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line['index'], line['trial']])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const naiveLine = JSON.parse((await readFile(join(out, 'episodes', 'naive.jsonl'), 'utf8')).split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect('trial' in naiveLine).toBe(false);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('id="chart-pass-k"');
  });
});
