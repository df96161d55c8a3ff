/**
 * A built agent as the server exposes it. Each request is a conversation of its own: scripted
 * and prompted agents get an rng seeded by the request's turns, so the same conversation gets
 * the same answer, and trained agents share one instance (they keep no state between calls).
 *
 * @example
 * const served = toServedAgent(await buildAgent(parseAgentSpec('naive'), context), context.simulator);
 */
import type { BuiltAgent } from '../agent/build.ts';
import type { TaskSimulator } from '../task/types.ts';
import { createRng, hashString } from '../util/rng.ts';
import type { ServedAgent } from './completions.ts';

export const toServedAgent = (built: BuiltAgent, simulator: TaskSimulator<unknown> | undefined): ServedAgent => {
  // Agents that may be served never read the persona; the factory signature still wants one.
  const persona = simulator?.samplePersona(createRng('serve'));
  return {
    id: built.name,
    description: built.description,
    act: (turns, options) => built.factory({ rng: createRng(hashString(JSON.stringify(turns))).fork(built.name), persona }).act(turns, options),
  };
};
