/**
 * A traveller's hidden persona: what they like, how they talk about it, how long they will
 * talk. Personas are drawn around a real activity so that every persona has at least one
 * activity that pleases it fully.
 *
 * @example
 * const persona = sampleTravelPersona(createRng(1));
 */
import { z } from 'zod';
import type { Rng } from '../../util/rng.ts';
import { activities, costs, kinds, paces, settings } from './catalog.ts';

export const travelPersonaSchema = z.object({
  kind: z.enum(kinds),
  setting: z.enum([...settings, 'any']),
  pace: z.enum([...paces, 'any']),
  /** Budget sensitivity: `cheap` is unhappy with anything but cheap, `moderate` dislikes splurges. */
  cost: z.enum(['cheap', 'moderate', 'any']),
  /** A vague user answers open questions with "something fun" but picks from offered options. */
  vague: z.boolean(),
  /** Agent turns the user sits through; without a recommendation by then, they leave. */
  patience: z.number().int().min(1).max(50),
});

export type TravelPersona = z.infer<typeof travelPersonaSchema>;

export const sampleTravelPersona = (rng: Rng): TravelPersona => {
  const ideal = rng.pick(activities);
  const cost = ideal.cost === 'cheap' ? (rng.chance(0.7) ? 'cheap' : 'any') : ideal.cost === 'moderate' && rng.chance(0.5) ? 'moderate' : 'any';
  return {
    kind: ideal.kind,
    setting: rng.chance(0.65) ? ideal.setting : 'any',
    pace: rng.chance(0.65) ? ideal.pace : 'any',
    cost,
    vague: rng.chance(0.5),
    patience: rng.int(3, 7),
  };
};

export const describeTravelPersona = (persona: TravelPersona): string =>
  [
    `likes ${persona.kind}`,
    persona.setting === 'any' ? 'any setting' : persona.setting,
    persona.pace === 'any' ? 'any pace' : persona.pace,
    persona.cost === 'any' ? 'not budget-sensitive' : `wants ${persona.cost}`,
    persona.vague ? 'answers open questions vaguely' : 'answers clearly',
    `patience ${persona.patience} turns`,
  ].join(', ');

export { costs, kinds, paces, settings };
