/**
 * One LlmClient over several: each call goes to the client named for its `purpose`, the rest to
 * the default. An evaluation gives the simulated user and the judge models of their own this way
 * (a judge should not grade its own style) without its steps knowing. Usage adds up every client.
 *
 * @example
 * const llm = createRoutedClient(agentClient, { user: userClient, 'persona-check': judgeClient, judge: judgeClient });
 * await llm.complete({ messages, purpose: 'judge' }); // answered by judgeClient
 */
import type { Completion, LlmClient, LlmRequest, UsageTotals } from './client.ts';
import type { ModelRef } from './model-ref.ts';

const add = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));

/** The totals of several clients as one (concurrency: the sum of their limits). */
export const sumUsage = (totals: readonly UsageTotals[]): UsageTotals =>
  totals.reduce((sum, next) => {
    const byPurpose = { ...sum.byPurpose };
    for (const [purpose, part] of Object.entries(next.byPurpose)) {
      const have = byPurpose[purpose];
      byPurpose[purpose] =
        have === undefined
          ? part
          : {
              calls: have.calls + part.calls,
              cachedCalls: have.cachedCalls + part.cachedCalls,
              failedCalls: have.failedCalls + part.failedCalls,
              inputTokens: have.inputTokens + part.inputTokens,
              outputTokens: have.outputTokens + part.outputTokens,
              costUsd: add(have.costUsd, part.costUsd),
            };
    }
    return {
      calls: sum.calls + next.calls,
      cachedCalls: sum.cachedCalls + next.cachedCalls,
      failedCalls: sum.failedCalls + next.failedCalls,
      requests: sum.requests + next.requests,
      retries: sum.retries + next.retries,
      repairs: sum.repairs + next.repairs,
      inputTokens: sum.inputTokens + next.inputTokens,
      outputTokens: sum.outputTokens + next.outputTokens,
      savedInputTokens: sum.savedInputTokens + next.savedInputTokens,
      savedOutputTokens: sum.savedOutputTokens + next.savedOutputTokens,
      costUsd: add(sum.costUsd, next.costUsd),
      savedCostUsd: add(sum.savedCostUsd, next.savedCostUsd),
      rateLimited: sum.rateLimited + next.rateLimited,
      slowdowns: sum.slowdowns + next.slowdowns,
      concurrency: sum.concurrency + next.concurrency,
      byPurpose,
    };
  });

/**
 * `model` is what the routed client says it is (default: the fallback's), e.g. a reference that
 * names every model, so a record keyed by the model tells runs with other role models apart.
 */
export const createRoutedClient = (fallback: LlmClient, byPurpose: Readonly<Record<string, LlmClient>>, options: { model?: ModelRef } = {}): LlmClient => {
  const clients = [...new Set([fallback, ...Object.values(byPurpose)])];
  return {
    model: options.model ?? fallback.model,
    complete<T = unknown>(request: LlmRequest<T>): Promise<Completion<T>> {
      const target = request.purpose === undefined ? fallback : (byPurpose[request.purpose] ?? fallback);
      return target.complete(request);
    },
    usage: () => sumUsage(clients.map((client) => client.usage())),
  };
};
