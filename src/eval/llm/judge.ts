/**
 * The LLM judge: reads the transcript with the hidden persona and rates the agent on the paper's
 * criteria (task success / information gathering, naturalness, helpfulness, overall
 * satisfaction; integers 1–5), decides binary success, and blames the agent, the user simulator
 * or the task when it failed. A reply that is malformed or out of range gets the client's repair
 * re-ask; if that fails too, the episode is recorded as a judge failure with the raw replies.
 *
 * Reward for LLM-judged tasks: (overall − 1) / 4, minus the spec's turnCost per agent turn,
 * floored at 0 — so 1 is a delighted user and 0 a dissatisfied one. Success is the judge's own
 * verdict on the spec's success description (the spec's reward threshold is for programmatic judges).
 *
 * @example
 * const outcome = await judgeWithLlm(client, spec, persona, turns, 7);
 * if ('verdict' in outcome) judgementOf(outcome.verdict, spec, 3).reward;
 */
import type { LlmClient } from '../../llm/client.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { Judgement, Turn } from '../../task/types.ts';
import { judgeMessages } from './prompts.ts';
import { judgeVerdictSchema } from './schemas.ts';
import type { JudgeVerdict, Unusable } from './schemas.ts';
import { unusableFrom } from './user.ts';

export const rewardFromVerdict = (verdict: JudgeVerdict, spec: TaskSpec, agentTurns: number): number =>
  Math.max(0, (verdict.ratings.overall - 1) / 4 - spec.turnCost * agentTurns);

export const judgementOf = (verdict: JudgeVerdict, spec: TaskSpec, agentTurns: number): Judgement => ({
  reward: rewardFromVerdict(verdict, spec, agentTurns),
  success: verdict.success,
  reason: verdict.reasoning,
});

export const judgeWithLlm = async (
  client: LlmClient,
  spec: TaskSpec,
  persona: StoredPersona,
  turns: readonly Turn[],
  seed: number,
): Promise<{ verdict: JudgeVerdict } | { failure: Unusable }> => {
  try {
    const completion = await client.complete({
      messages: judgeMessages(spec, persona, turns),
      schema: { name: 'verdict', schema: judgeVerdictSchema },
      temperature: 0,
      seed,
      purpose: 'judge',
    });
    return { verdict: completion.value as JudgeVerdict };
  } catch (error) {
    return { failure: unusableFrom(error) };
  }
};
