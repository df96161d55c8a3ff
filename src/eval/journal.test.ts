import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentFactory, TaskSimulator } from '../task/types.ts';
import { loadTravelTask } from '../tasks/travel/index.ts';
import type { TravelPersona } from '../tasks/travel/persona.ts';
import { behaviourMixture } from '../agent/build.ts';
import { evaluateAgent } from './evaluate.ts';
import type { EpisodeRecord } from './evaluate.ts';
import { JOURNAL_FILE, JournalMismatchError, openJournal } from './journal.ts';

let dir: string;
let task: TaskSimulator<TravelPersona>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-journal-'));
  task = await loadTravelTask();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (index: number, trial: number, persona: unknown = { who: index }): EpisodeRecord<unknown> => ({
  index,
  trial,
  persona,
  episode: {
    turns: [{ role: 'user', text: 'hi' }, { role: 'agent', text: 'hello' }],
    steps: [{ text: 'hello', candidates: [{ text: 'hello', score: Number.NEGATIVE_INFINITY, q: 0.5, prior: -1, source: 'library' }] }],
    judgement: { reward: 0.5, success: false, reason: 'hand-made' },
    ended: 'turn-limit',
  },
});

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');

describe('openJournal', () => {
  it('gives back what an earlier run wrote, repairs a torn tail, and is removed when finished', async () => {
    const out = join(dir, 'basic');
    const first = await openJournal(out);
    const store = first.storeFor<unknown>('naive', { seed: 1 });
    await Promise.all([store.put(record(0, 0)), store.put(record(0, 1)), store.put(record(1, 0))]);
    // Killed mid-append: half a line at the end.
    await appendFile(first.file, '{"agent":"naive","fingerp');
    const second = await openJournal(out);
    expect(await lines(second.file)).toHaveLength(3);
    const again = second.storeFor<unknown>('naive', { seed: 1 });
    const back = again.get(0, 1, { who: 0 });
    expect(back?.episode.turns).toEqual(record(0, 1).episode.turns);
    // JSON has no −Infinity; the score comes back as NaN rather than failing the resume.
    expect(back?.episode.steps[0]?.candidates?.[0]).toMatchObject({ text: 'hello', q: 0.5, prior: -1, source: 'library' });
    expect(back?.episode.steps[0]?.candidates?.[0]?.score).toBeNaN();
    expect(again.get(1, 1, { who: 1 })).toBeUndefined();
    expect(second.storeFor<unknown>('other-agent', { seed: 2 }).get(0, 0, { who: 0 })).toBeUndefined();
    expect(second.reused()).toBe(1);
    await second.finish();
    await expect(stat(join(out, JOURNAL_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('refuses to mix in episodes written with other settings or another persona', async () => {
    const out = join(dir, 'mismatch');
    const journal = await openJournal(out);
    await journal.storeFor<unknown>('naive', { seed: 1 }).put(record(0, 0));
    const reopened = await openJournal(out);
    expect(() => reopened.storeFor('naive', { seed: 2 })).toThrow(JournalMismatchError);
    expect(() => reopened.storeFor<unknown>('naive', { seed: 1 }).get(0, 0, { who: 'someone else' })).toThrow(/persona 0 differs/);
  });
});

describe('evaluateAgent with a journal', () => {
  it('resumes a built-in evaluation cut short and ends with the same result as an uninterrupted one', async () => {
    const options = { episodes: 6, seed: 1000, trials: 2 };
    const whole = await evaluateAgent(task, 'behaviour', behaviourMixture(task), options);
    const out = join(dir, 'travel');
    // The first run dies in its fifth episode.
    let acted = 0;
    const dying: AgentFactory<TravelPersona> = (episode) => {
      if (++acted === 5) throw new Error('killed');
      return behaviourMixture(task)(episode);
    };
    const first = await openJournal(out);
    await expect(evaluateAgent(task, 'behaviour', dying, { ...options, store: first.storeFor('behaviour', options) })).rejects.toThrow('killed');
    expect(await lines(first.file)).toHaveLength(4);
    const second = await openJournal(out);
    let fresh = 0;
    const counting: AgentFactory<TravelPersona> = (episode) => {
      fresh += 1;
      return behaviourMixture(task)(episode);
    };
    const resumed = await evaluateAgent(task, 'behaviour', counting, { ...options, store: second.storeFor('behaviour', options) });
    expect(second.reused()).toBe(4);
    expect(fresh).toBe(8);
    expect(JSON.parse(JSON.stringify(resumed))).toEqual(JSON.parse(JSON.stringify(whole)));
    const keys = (await lines(second.file)).map((line) => { const row = JSON.parse(line) as { index: number; trial: number }; return `${row.index}/${row.trial}`; });
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
  });
});
