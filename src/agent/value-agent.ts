/**
 * Agents that act from a trained model. The behaviour model alone (BC, filtered BC) says its
 * most likely utterance; ILQL takes the behaviour model's k most likely utterances as
 * proposals and picks by π_β(a|s)·exp(β(Q(s,a) − V(s))), using the pessimistic min of the
 * target Q heads.
 *
 * @example
 * const agent = createValueAgent(model, embedder, { name: 'ilql', policy: 'advantage', k: 16, beta: 4 });
 * const step = await agent.act(turns); // step.candidates holds each proposal's Q, V, advantage and prior
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Embedder } from '../embed/hashed.ts';
import { densify } from '../embed/hashed.ts';
import { encodeActions, encodeStates, policyLogits, qValues, values } from '../rl/network.ts';
import type { Parameters } from '../rl/network.ts';
import type { Agent, AgentStepCandidate, Turn } from '../task/types.ts';

export type ValueAgentOptions = {
  name: string;
  /** `policy`: argmax of π_β; `advantage`: ILQL's choice among the top k of π_β. */
  policy: 'policy' | 'advantage';
  k: number;
  beta: number;
};

export type ActingModel = { parameters: Parameters; library: readonly string[] };

export const createValueAgent = (model: ActingModel, embedder: Embedder, options: ValueAgentOptions): Agent => {
  const library = tf.tidy(() => {
    const raw = tf.tensor2d(densify(model.library.map((text) => embedder.embedAction(text)), embedder.dimension), [model.library.length, embedder.dimension]);
    const encoded = encodeActions(model.parameters, raw);
    return { raw: tf.keep(encoded.raw), hidden: tf.keep(encoded.hidden) };
  });
  const k = Math.min(options.k, model.library.length);
  return {
    name: options.name,
    dispose: () => tf.dispose([library.raw, library.hidden]),
    act: async (turns: readonly Turn[]) => {
      const scored = tf.tidy(() => {
        const state = encodeStates(model.parameters, tf.tensor2d(densify([embedder.embedState(turns)], embedder.dimension), [1, embedder.dimension]));
        const logits = policyLogits(model.parameters, state, library);
        if (options.policy === 'policy') {
          const best = tf.argMax(logits, 1).dataSync()[0] ?? 0;
          return { best, candidates: undefined };
        }
        const top = tf.topk(logits, k);
        const indices = top.indices.dataSync();
        const prior = tf.logSoftmax(top.values);
        const chosen = tf.reshape(top.indices, [-1]);
        const proposals = { raw: tf.gather(library.raw, chosen), hidden: tf.gather(library.hidden, chosen) };
        const q = tf.minimum(qValues(model.parameters, 'target-q1', state, proposals), qValues(model.parameters, 'target-q2', state, proposals));
        const v = values(model.parameters, state);
        return { best: -1, candidates: { indices: Array.from(indices), prior: Array.from(prior.dataSync()), q: Array.from(q.dataSync()), v: v.dataSync()[0] ?? 0 } };
      });
      if (scored.candidates === undefined) return { text: model.library[scored.best] ?? '' };
      const { indices, prior, q, v } = scored.candidates;
      const candidates: AgentStepCandidate[] = indices.map((index, i) => {
        const advantage = (q[i] ?? 0) - v;
        return { text: model.library[index] ?? '', prior: prior[i] ?? 0, q: q[i] ?? 0, v, advantage, score: (prior[i] ?? 0) + options.beta * advantage };
      });
      candidates.sort((a, b) => b.score - a.score);
      return { text: candidates[0]?.text ?? '', candidates };
    },
  };
};
