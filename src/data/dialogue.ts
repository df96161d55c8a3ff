/**
 * The dataset format: one dialogue per JSONL line, with a stable id, the hidden persona it was
 * imagined with, the turns, and the judged outcome.
 *
 * @example
 * {"id":"travel-7-000042","task":"travel","persona":{…},"turns":[{"role":"user","text":"Hi!"},…],"reward":0.85,"success":true,"meta":{"behaviour":"narrow-options"}}
 */
import { z } from 'zod';
import { hashString } from '../util/rng.ts';

export const turnSchema = z.object({ role: z.enum(['user', 'agent']), text: z.string() }).strict();

export const dialogueSchema = z
  .object({
    id: z.string().min(1),
    task: z.string().min(1),
    persona: z.unknown(),
    turns: z.array(turnSchema).min(1),
    reward: z.number().finite(),
    success: z.boolean(),
    meta: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type Dialogue = z.infer<typeof dialogueSchema>;

/** A short hash of which dialogues a dataset holds and how they ended: checkpoints record it to tell their data apart. */
export const dialoguesFingerprint = (dialogues: readonly Dialogue[]): string =>
  hashString(dialogues.map((dialogue) => `${dialogue.id}:${dialogue.reward}`).join('|')).toString(16);

export const dialogueId = (task: string, seed: number, index: number): string => `${task}-${seed}-${String(index).padStart(6, '0')}`;
