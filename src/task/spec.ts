/**
 * The task spec: a written description of a goal-directed conversation, read from YAML.
 * Built-in tasks ship one beside their simulator; user-written tasks are the same format.
 *
 * @example
 * const spec = taskSpecSchema.parse({ name: 'travel', title: 'Travel agent', ... });
 */
import { z } from 'zod';

export const taskSpecSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'use lowercase letters, digits and dashes, starting with a letter'),
    version: z.number().int().positive().default(1),
    title: z.string().min(1),
    description: z.string().min(1),
    agent: z.object({ role: z.string().min(1), goal: z.string().min(1) }).strict(),
    user: z
      .object({
        description: z.string().min(1),
        hiddenParameters: z
          .array(z.object({ name: z.string().min(1), description: z.string().min(1), values: z.array(z.string()).optional() }).strict())
          .default([]),
      })
      .strict(),
    success: z.object({ description: z.string().min(1), threshold: z.number().min(0).max(1) }).strict(),
    /** The conversation stops after this many agent turns. */
    maxTurns: z.number().int().min(1).max(100),
    /** Subtracted from the reward for each agent turn; 0 rewards only the outcome. */
    turnCost: z.number().min(0).max(1).default(0),
    /** Extra checks the critique step applies to every imagined dialogue, beside the built-in ones. */
    critique: z.array(z.string().min(1)).default([]),
    /** Short example exchanges that show the imagination step the register and the domain. */
    examples: z
      .array(
        z
          .object({
            note: z.string().optional(),
            turns: z.array(z.object({ role: z.enum(['user', 'agent']), text: z.string().min(1) }).strict()).min(1),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type TaskSpec = z.infer<typeof taskSpecSchema>;
