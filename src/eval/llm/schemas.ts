/**
 * What the LLM evaluation asks models for and what it keeps per episode, as zod schemas: the
 * simulated user's turn (with its stop signal), the judge's verdict (four 1–5 ratings, binary
 * success, who is to blame for a failure), the persona-consistency check, and the facts stored
 * with every episode.
 *
 * @example
 * userTurnSchema.parse({ reply: 'Thanks, that helps!', done: true });
 * judgeVerdictSchema.safeParse({ ...verdict, ratings: { ...verdict.ratings, overall: 7 } }).success; // false
 */
import { z } from 'zod';
import type { Interval } from '../stats.ts';

/** The simulated user's turn: what they say, and whether the conversation is over for them. */
export const userTurnSchema = z.object({
  reply: z.string().trim().min(1),
  done: z.boolean(),
});
export type UserTurn = z.infer<typeof userTurnSchema>;

export const ratingNames = ['taskSuccess', 'naturalness', 'helpfulness', 'overall'] as const;
export type RatingName = (typeof ratingNames)[number];

export const ratingLabels: Record<RatingName, string> = {
  taskSuccess: 'task success / information gathering',
  naturalness: 'naturalness',
  helpfulness: 'helpfulness',
  overall: 'overall satisfaction',
};

const rating = z.number().int().min(1).max(5);
export const ratingsSchema = z.object({ taskSuccess: rating, naturalness: rating, helpfulness: rating, overall: rating });
export type Ratings = z.infer<typeof ratingsSchema>;

export const failureCauses = ['agent', 'user-simulator', 'task'] as const;
export type FailureCause = (typeof failureCauses)[number];

export const judgeVerdictSchema = z
  .object({
    /** Written first, so the scores follow from the reasons rather than the other way round. */
    reasoning: z.string().trim().min(1),
    ratings: ratingsSchema,
    success: z.boolean(),
    failureCause: z.enum([...failureCauses, 'none']),
  })
  .refine((verdict) => verdict.success || verdict.failureCause !== 'none', {
    path: ['failureCause'],
    message: 'a conversation that did not succeed needs a failure cause: agent, user-simulator or task',
  });
export type JudgeVerdict = z.infer<typeof judgeVerdictSchema>;

export const personaCheckSchema = z.object({
  leftPersona: z.boolean(),
  problem: z.string().default(''),
});

/** A reply that could not be used even after the repair re-ask; every raw reply is kept. */
export const unusableSchema = z.object({ message: z.string(), raw: z.array(z.string()) });
export type Unusable = z.infer<typeof unusableSchema>;

/** What the LLM evaluation records beside the transcript and the judgement of an episode. */
export const llmEpisodeFactsSchema = z.object({
  personaId: z.string(),
  /** The judge's verdict; absent when the episode could not be judged. */
  verdict: judgeVerdictSchema.optional(),
  /** Why the episode has no verdict: the judge's reply, or the simulated user's, was unusable. */
  failure: unusableSchema.extend({ stage: z.enum(['judge', 'user']) }).optional(),
  personaCheck: z.union([z.object({ leftPersona: z.boolean(), problem: z.string() }), unusableSchema]).optional(),
  tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }),
});
export type LlmEpisodeFacts = z.infer<typeof llmEpisodeFactsSchema>;

/** The numbers an LLM evaluation adds to an agent's result (see summary.ts). */
export type LlmSummary = {
  /** Episodes with a verdict: the ones every other number is computed over. */
  judged: number;
  judgeFailures: number;
  simulatorFailures: number;
  /** Means of the 1–5 ratings over judged episodes; undefined when none was judged. */
  ratings: Record<RatingName, Interval> | undefined;
  /** Among judged episodes that did not succeed, who the judge blamed. */
  failureCauses: Record<FailureCause, number>;
  /** Share of checked episodes in which the simulated user left their persona. */
  personaLeaving: Interval | undefined;
  personaChecked: number;
  personaCheckFailures: number;
  tokens: { input: number; output: number };
};
