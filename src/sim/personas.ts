/**
 * Splits the persona space so evaluation uses personas never seen in training: a persona's
 * split is a hash of its content, not of the seed that drew it, so no seed can leak a training
 * persona into the test set.
 *
 * @example
 * const persona = samplePersonaIn(task, 'test', rng); // a persona no training dialogue has
 */
import type { TaskSimulator } from '../task/types.ts';
import { hashString } from '../util/rng.ts';
import type { Rng } from '../util/rng.ts';

export type PersonaSplit = 'train' | 'validation' | 'test';

/** Stable JSON: keys sorted, so the same persona always hashes the same. */
export const personaKey = (persona: unknown): string =>
  JSON.stringify(persona, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );

export const personaSplit = (persona: unknown): PersonaSplit => {
  const bucket = hashString(personaKey(persona)) % 10;
  return bucket < 2 ? 'test' : bucket < 3 ? 'validation' : 'train';
};

export const samplePersonaIn = <P>(task: TaskSimulator<P>, split: PersonaSplit, rng: Rng): P => {
  for (let attempt = 0; attempt < 10_000; attempt += 1) {
    const persona = task.samplePersona(rng);
    if (personaSplit(persona) === split) return persona;
  }
  throw new Error(`no ${split} persona found in 10000 draws: the task's persona space is too small to split`);
};
