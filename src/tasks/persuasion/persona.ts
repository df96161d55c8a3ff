/**
 * A donor's hidden persona: where they start, what would move them (a main value and perhaps a
 * second), whether they distrust charities, how they talk about themselves, and how long they
 * will listen.
 *
 * @example
 * const persona = samplePersuasionPersona(createRng(1));
 */
import { z } from 'zod';
import type { Rng } from '../../util/rng.ts';
import { donorValues } from './pitch.ts';

export const persuasionPersonaSchema = z.object({
  stance: z.enum(['sceptical', 'undecided', 'sympathetic']),
  value: z.enum(donorValues),
  /** A second value that moves them less; `none` when only one does. */
  second: z.enum([...donorValues, 'none']),
  /** `strong` distrust blocks any pledge until the volunteer answers it. */
  distrust: z.enum(['none', 'some', 'strong']),
  /** Answers open questions about what matters to them vaguely. */
  vague: z.boolean(),
  patience: z.number().int().min(1).max(50),
});

export type PersuasionPersona = z.infer<typeof persuasionPersonaSchema>;

export const startingOpenness: Record<PersuasionPersona['stance'], number> = { sceptical: 0.15, undecided: 0.3, sympathetic: 0.45 };

export const samplePersuasionPersona = (rng: Rng): PersuasionPersona => {
  const value = rng.pick(donorValues);
  return {
    stance: rng.weighted(['sceptical', 'undecided', 'sympathetic'] as const, [0.35, 0.4, 0.25]),
    value,
    second: rng.chance(0.6) ? rng.pick(donorValues.filter((other) => other !== value)) : 'none',
    distrust: rng.weighted(['none', 'some', 'strong'] as const, [0.45, 0.35, 0.2]),
    vague: rng.chance(0.4),
    patience: rng.int(3, 7),
  };
};

export const describePersuasionPersona = (persona: PersuasionPersona): string =>
  [
    persona.stance,
    `moved by ${persona.value}${persona.second === 'none' ? '' : `, a little by ${persona.second}`}`,
    `${persona.distrust} distrust of charities`,
    persona.vague ? 'vague about what matters' : 'clear about what matters',
    `patience ${persona.patience} turns`,
  ].join(', ');
