import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialogueId, dialogueSchema } from '../data/dialogue.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { readJsonl } from '../data/jsonl.ts';
import { personaSplit } from '../sim/personas.ts';
import type { TaskSimulator } from '../task/types.ts';
import { loadTravelTask } from '../tasks/travel/index.ts';
import { travelPersonaSchema } from '../tasks/travel/persona.ts';
import type { TravelPersona } from '../tasks/travel/persona.ts';
import { DatasetMismatchError, imagineDialogue, imagineOffline } from './offline.ts';

let task: TaskSimulator<TravelPersona>;
let dir: string;
/** An uninterrupted run of 30 dialogues with seed 5, shared by several tests. */
let reference: { text: string; dialogues: Dialogue[]; created: number; reused: number };

/**
 * An empty output file. imagineOffline currently throws "file not found" on a file that does not
 * exist yet (see the first test), so the other tests start from an empty file to test the rest.
 */
const fresh = async (name: string): Promise<string> => {
  const file = join(dir, name);
  await writeFile(file, '');
  return file;
};

beforeAll(async () => {
  task = await loadTravelTask();
  dir = await mkdtemp(join(tmpdir(), 'reverie-imagine-'));
  const file = await fresh('reference.jsonl');
  const result = await imagineOffline(task, { count: 30, seed: 5, file });
  reference = { ...result, text: await readFile(file, 'utf8') };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

describe('imagineOffline', () => {
  it('creates the output file (and its folder) when it does not exist yet', async () => {
    const file = join(dir, 'new', 'dialogues.jsonl');
    const result = await imagineOffline(task, { count: 3, seed: 5, file });
    expect(result.created).toBe(3);
    expect(lines(await readFile(file, 'utf8'))).toEqual(lines(reference.text).slice(0, 3));
  });

  it('writes `count` dialogues with unique stable ids, in index order', async () => {
    expect(reference.created).toBe(30);
    expect(reference.reused).toBe(0);
    expect(lines(reference.text)).toHaveLength(30);
    const ids = reference.dialogues.map((dialogue) => dialogue.id);
    expect(ids).toEqual(Array.from({ length: 30 }, (_, index) => dialogueId('travel', 5, index)));
    expect(new Set(ids).size).toBe(30);
    const fromFile = await readJsonl(join(dir, 'reference.jsonl'), dialogueSchema);
    expect(fromFile).toEqual(reference.dialogues);
  });

  it('writes well-formed dialogues: the user opens and closes, roles alternate, personas are valid', () => {
    for (const dialogue of reference.dialogues) {
      expect(dialogue.task).toBe('travel');
      expect(travelPersonaSchema.safeParse(dialogue.persona).success).toBe(true);
      expect(dialogue.turns[0]?.role).toBe('user');
      expect(dialogue.turns.at(-1)?.role).toBe('user');
      dialogue.turns.forEach((turn, index) => expect(turn.role).toBe(index % 2 === 0 ? 'user' : 'agent'));
      expect(dialogue.turns.filter((turn) => turn.role === 'agent').length).toBeLessThanOrEqual(task.spec.maxTurns);
      expect(dialogue.reward).toBeGreaterThanOrEqual(0);
      expect(dialogue.reward).toBeLessThanOrEqual(1);
      expect(dialogue.meta).toMatchObject({ seed: 5, taskVersion: 1 });
      expect(task.behaviours.map((behaviour) => behaviour.name)).toContain(dialogue.meta['behaviour']);
    }
  });

  it('is deterministic by seed: two runs into two files give identical lines', async () => {
    const file = await fresh('again.jsonl');
    await imagineOffline(task, { count: 30, seed: 5, file });
    expect(await readFile(file, 'utf8')).toBe(reference.text);
  });

  it('each dialogue depends only on (seed, index): a shorter run is a prefix', async () => {
    const file = await fresh('prefix.jsonl');
    await imagineOffline(task, { count: 7, seed: 5, file });
    expect(lines(await readFile(file, 'utf8'))).toEqual(lines(reference.text).slice(0, 7));
    expect(await imagineDialogue(task, 5, 12)).toEqual(reference.dialogues[12]);
  });

  it('another seed gives other dialogues', async () => {
    const file = await fresh('seed6.jsonl');
    const { dialogues } = await imagineOffline(task, { count: 30, seed: 6, file });
    expect(dialogues.map((dialogue) => dialogue.turns)).not.toEqual(reference.dialogues.map((dialogue) => dialogue.turns));
  });

  it('resumes after a torn write: 30 unique ids, identical content, created = 20', async () => {
    const file = join(dir, 'resume.jsonl');
    await writeFile(file, reference.text);
    const all = lines(reference.text);
    const eleventh = all[10] ?? '';
    await writeFile(file, all.slice(0, 10).join('\n') + '\n' + eleventh.slice(0, Math.floor(eleventh.length / 2)));
    const result = await imagineOffline(task, { count: 30, seed: 5, file });
    expect(result.created).toBe(20);
    expect(result.reused).toBe(10);
    expect(new Set(result.dialogues.map((dialogue) => dialogue.id)).size).toBe(30);
    expect(result.dialogues).toEqual(reference.dialogues);
    expect(await readFile(file, 'utf8')).toBe(reference.text);
  });

  it('a complete file is reused without writing', async () => {
    const file = join(dir, 'complete.jsonl');
    await writeFile(file, reference.text);
    const result = await imagineOffline(task, { count: 30, seed: 5, file });
    expect(result).toMatchObject({ created: 0, reused: 30 });
    expect(await readFile(file, 'utf8')).toBe(reference.text);
  });

  it('a file from another seed → DatasetMismatchError, and the file is left alone', async () => {
    const file = join(dir, 'other-seed.jsonl');
    await writeFile(file, reference.text);
    const error = await imagineOffline(task, { count: 30, seed: 50, file }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatasetMismatchError);
    expect((error as DatasetMismatchError).message).toContain('travel-5-000000');
    expect((error as DatasetMismatchError).message).toContain('seed 50');
    expect(await readFile(file, 'utf8')).toBe(reference.text);
  });

  it('across 300 dialogues: both successes and failures, every persona in the train split', async () => {
    const file = await fresh('many.jsonl');
    const { dialogues } = await imagineOffline(task, { count: 300, seed: 11, file });
    expect(dialogues).toHaveLength(300);
    const successes = dialogues.filter((dialogue) => dialogue.success).length;
    expect(successes).toBeGreaterThan(0);
    expect(successes).toBeLessThan(300);
    expect(dialogues.some((dialogue) => dialogue.reward === 0)).toBe(true);
    for (const dialogue of dialogues) {
      expect(personaSplit(dialogue.persona)).toBe('train');
      expect(dialogue.success).toBe((await task.judge(dialogue.persona as TravelPersona, dialogue.turns)).success);
    }
    // Every behaviour agent is represented.
    expect(new Set(dialogues.map((dialogue) => dialogue.meta['behaviour'])).size).toBe(task.behaviours.length);
  });
});
