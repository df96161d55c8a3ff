/**
 * Small helpers for saying things from templates.
 *
 * @example
 * fill('Is it in {words}?', { words: 'Europe' }) // → 'Is it in Europe?'
 * withArticle('apple') // → 'an apple'
 */
import type { Rng } from '../../util/rng.ts';

/**
 * One of the choices. A single choice draws nothing, so adding a one-line phrasing somewhere
 * never shifts the random numbers of everything after it.
 */
export const choose = <T>(rng: Rng, choices: readonly T[]): T => (choices.length === 1 ? (choices[0] as T) : rng.pick(choices));

/** An integer in [low, high], drawing nothing when there is only one. */
export const chooseInt = (rng: Rng, [low, high]: readonly [number, number]): number => (low === high ? low : rng.int(low, high));

/** True with chance p, drawing nothing when p is 0 or 1. */
export const happens = (rng: Rng, p: number): boolean => (p <= 0 ? false : p >= 1 ? true : rng.chance(p));

/** Fills `{key}` placeholders; a key may be two words, as in `{a name}`. */
export const fill = (template: string, values: Readonly<Record<string, string>>): string => template.replace(/\{(\w+(?: \w+)?)\}/g, (_, key: string) => values[key] ?? '');

/** "a" or "an" by the first letter, which is right for most words; items can set their own. */
export const withArticle = (name: string, article?: string): string => {
  const chosen = article ?? (/^[aeiou]/i.test(name) ? 'an' : 'a');
  return chosen === '' ? name : `${chosen} ${name}`;
};

export const joinOptions = (phrases: readonly string[], conjunction = 'or'): string =>
  phrases.length <= 1 ? (phrases[0] ?? '') : `${phrases.slice(0, -1).join(', ')} ${conjunction} ${phrases.at(-1)}`;

export const capitalise = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

export const agentTurnCount = (turns: readonly { role: string }[]): number => turns.filter((turn) => turn.role === 'agent').length;
