import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { createRng } from '../util/rng.ts';
import { chooseToken, DecodeError, decodeUtterance, perturbedLogits } from './decode.ts';
import type { DecodeStep, StepOutput } from './decode.ts';
import { initIlqlHeads, stateValues, targetQMin } from './heads.ts';
import type { IlqlHeads } from './heads.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const closeTo = (actual: ArrayLike<number>, expected: readonly number[], digits = 5): void => {
  expect(actual).toHaveLength(expected.length);
  Array.from(actual).forEach((value, index) => expect(value).toBeCloseTo(expected[index] ?? Number.NaN, digits));
};

/**
 * A tiny model built from tensors: vocabulary 0 = end of turn, 1 and 2 = words, 3 = agent marker.
 * The hidden state is an embedding of the last token: [1, 0] after the agent marker, [0, 1] after
 * a word. LM logits are h·W: [0, 1, 0.5, −10] after the marker (the LM prefers word 1),
 * [3, 0, 0, −10] after a word (the LM ends the turn). The real ILQL heads with identity hidden
 * layers give, after the marker, min target Q = [0, 0, 2, 0] and V = 0.5: word 2 has advantage
 * 1.5, the others −0.5. After a word every Q and V is 0.
 */
function tinyModel(): { step: DecodeStep; heads: IlqlHeads } {
  const heads = initIlqlHeads({ hiddenSize: 2, vocabSize: 4, width: 2 }, createRng('tiny'));
  const set = (name: string, values: number[][] | number[]) => (heads.get(name) as tf.Variable).assign(tf.tensor(values, (heads.get(name) as tf.Variable).shape));
  for (const head of ['target-q1', 'target-q2', 'v']) {
    set(`ilql.${head}.w1`, [[1, 0], [0, 1]]);
    set(`ilql.${head}.b1`, [0, 0]);
  }
  set('ilql.target-q1.w2', [[0, 0, 2, 0], [0, 0, 0, 0]]);
  set('ilql.target-q2.w2', [[0, 1, 3, 0], [0, 0, 0, 0]]);
  set('ilql.target-q1.b2', [0, 0, 0, 0]);
  set('ilql.target-q2.b2', [0, 0, 0, 0]);
  set('ilql.v.w2', [[0.5], [0]]);
  set('ilql.v.b2', [0]);
  const embedding = tf.tensor2d([[0, 1], [0, 1], [0, 1], [1, 0]]);
  const lmWeight = tf.tensor2d([[0, 1, 0.5, -10], [3, 0, 0, -10]]);
  const step: DecodeStep = (prefix) => {
    let out: StepOutput = { logits: [], q: [], v: 0 };
    tf.tidy(() => {
      const h = tf.gather(embedding, [prefix[prefix.length - 1] ?? 3]) as tf.Tensor2D;
      out = {
        logits: tf.matMul(h, lmWeight).dataSync(),
        q: targetQMin(heads, h).dataSync(),
        v: stateValues(heads, h).dataSync()[0] ?? Number.NaN,
      };
    });
    return out;
  };
  return { step, heads };
}

const softmax = (xs: number[]): number[] => {
  const top = Math.max(...xs);
  const exps = xs.map((x) => Math.exp(x - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
};

describe('perturbedLogits', () => {
  it('divides the LM logits by the temperature, keeps the LM top k, then adds β(Q − V)', () => {
    closeTo(perturbedLogits([2, 4], [0, 0], 0, { beta: 0, temperature: 2 }), [1, 2]);
    // Top 2 of the logits [1, 3, 2, 0] are tokens 1 and 2; β = 2, Q − V = [1, −1, 0.5, 5].
    closeTo(perturbedLogits([1, 3, 2, 0], [2, 0, 1.5, 6], 1, { beta: 2, topK: 2 }), [-Infinity, 1, 3, -Infinity]);
  });

  it('refuses mismatched vocabularies and invalid settings', () => {
    expect(() => perturbedLogits([1, 2], [1], 0, { beta: 1 })).toThrow(DecodeError);
    expect(() => perturbedLogits([1, 2], [1, 2], 0, { beta: 1, temperature: 0 })).toThrow(DecodeError);
    expect(() => perturbedLogits([1, 2], [1, 2], 0, { beta: 1, topK: 0 })).toThrow(DecodeError);
  });
});

describe('chooseToken', () => {
  it('samples in proportion to the softmax of the scores, with −∞ never drawn', () => {
    const rng = createRng('draws');
    const counts = [0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[chooseToken(Float64Array.from([0, Math.log(3), -Infinity]), { rng })]! += 1;
    expect(counts[2]).toBe(0);
    expect((counts[1] ?? 0) / 4000).toBeCloseTo(0.75, 1);
  });

  it('needs an rng to sample', () => {
    expect(() => chooseToken(Float64Array.from([0, 1]), {})).toThrow(DecodeError);
  });
});

describe('decodeUtterance', () => {
  const { step } = tinyModel();
  const base = { endOfTurn: 0, maxTokens: 5 };

  it('with β = 0 says what the LM would say greedily', async () => {
    // After the marker the LM's best is word 1 (logit 1); after a word it is the end of turn (logit 3).
    const decoded = await decodeUtterance([3], step, { ...base, beta: 0, greedy: true });
    expect(decoded).toEqual({ tokens: [1], stop: 'end-of-turn', advantages: [-0.5, 0] });
  });

  it('with β = 1 moves to the high-advantage word 2: 0.5 + 1·1.5 = 2 beats 1 − 0.5 = 0.5', async () => {
    const decoded = await decodeUtterance([3], step, { ...base, beta: 1, greedy: true });
    expect(decoded).toEqual({ tokens: [2], stop: 'end-of-turn', advantages: [1.5, 0] });
  });

  it('keeps to the LM support: with top-k 1 no β can pick a token outside it', async () => {
    const decoded = await decodeUtterance([3], step, { ...base, beta: 100, topK: 1, greedy: true });
    expect(decoded.tokens).toEqual([1]);
  });

  it('sampling with β = 0 follows the LM distribution; a larger β shifts the mass to the high-advantage word', async () => {
    const firstWords = async (beta: number) => {
      const rng = createRng(`beta-${beta}`);
      let word2 = 0;
      for (let i = 0; i < 600; i++) if ((await decodeUtterance([3], step, { ...base, beta, rng })).tokens[0] === 2) word2 += 1;
      return word2 / 600;
    };
    // LM alone: softmax(0, 1, 0.5, −10)[2] = 0.307; with β = 4: softmax(−2, −1, 6.5, −12)[2] ≈ 0.9997.
    expect(await firstWords(0)).toBeCloseTo(softmax([0, 1, 0.5, -10])[2] ?? 0, 1);
    expect(await firstWords(4)).toBeGreaterThan(0.99);
  });

  it('is reproducible for a seed', async () => {
    const run = async () => decodeUtterance([3], step, { ...base, beta: 1, rng: createRng(9) });
    expect(await run()).toEqual(await run());
  });

  it('stops at maxTokens when the turn does not end', async () => {
    const talkative: DecodeStep = () => ({ logits: [0, 5, 0, 0], q: [0, 0, 0, 0], v: 0 });
    const decoded = await decodeUtterance([3], talkative, { ...base, maxTokens: 3, beta: 1, greedy: true });
    expect(decoded).toEqual({ tokens: [1, 1, 1], stop: 'max-tokens', advantages: [0, 0, 0] });
    await expect(decodeUtterance([3], talkative, { ...base, maxTokens: 0, beta: 1, greedy: true })).rejects.toThrow(DecodeError);
  });
});
