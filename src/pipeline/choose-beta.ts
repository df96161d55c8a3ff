/**
 * Choosing ILQL's β on validation personas: each candidate is evaluated, and the one with the
 * best mean reward wins (the first on ties). β is never chosen on the test personas a report shows.
 *
 * @example
 * const beta = await chooseBeta([0, 4, 16, 64], (beta) => evaluateAgent(task, 'ilql', factory(beta), validation), (beta, result) => log(…));
 */
import type { AgentResult } from '../eval/evaluate.ts';

export const chooseBeta = async (
  betas: readonly number[],
  evaluate: (beta: number) => Promise<AgentResult<unknown>>,
  onResult: (beta: number, result: AgentResult<unknown>) => void = () => undefined,
): Promise<number> => {
  let best = { beta: betas[0] ?? 0, reward: -Infinity };
  for (const beta of betas) {
    const result = await evaluate(beta);
    onResult(beta, result);
    if (result.reward.mean > best.reward) best = { beta, reward: result.reward.mean };
  }
  return best.beta;
};
