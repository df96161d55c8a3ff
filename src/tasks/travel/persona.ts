/**
 * A traveller's hidden persona, as the generic recommendation simulator draws it from
 * catalog.yaml: what they like, how they talk about it, how long they will talk. This typed
 * view is for code and tests that handle travel personas; index.ts checks that the catalog
 * still draws exactly this shape.
 *
 * @example
 * const persona = travelPersonaSchema.parse(dialogue.persona);
 */
import { z } from 'zod';

export const kinds = ['museum', 'hiking', 'food', 'nightlife', 'beach', 'shopping', 'show', 'wellness'] as const;
export const settings = ['indoor', 'outdoor'] as const;
export const paces = ['relaxed', 'active'] as const;
export const costs = ['cheap', 'moderate', 'splurge'] as const;

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
