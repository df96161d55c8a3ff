import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { cqlLoss, expectileValueLoss, ilqlDefaults, ilqlLoss, lmLoss, maskedMean, pickTaken, tdLoss, tdTargets } from './losses.ts';
import { closeTo, scalar, values } from '../../test/support/tensor-values.ts';

beforeAll(async () => {
  await initBackend('cpu');
});


/**
 * Three positions over a two-token vocabulary. Rows 0 and 1 are actions; row 2 is masked out
 * (padding or a state token) and must not change any loss.
 */
const example = () => ({
  q1: tf.tensor2d([[1, 2], [0, 0], [3, 1]]), // taken: [2, 0, 3]
  q2: tf.tensor2d([[1, 1], [1, 0], [2, 2]]), // taken: [1, 1, 2]
  targetQ: tf.tensor1d([3, 1, 0]),
  v: tf.tensor1d([1, 2, 4]),
  tokens: tf.tensor1d([1, 0, 0], 'int32'),
  isAction: tf.tensor1d([1, 1, 0]),
  reward: tf.tensor1d([0, 1, 5]),
  done: tf.tensor1d([0, 0, 1]),
  nextValueIndex: tf.tensor1d([1, 2, 2], 'int32'),
});

describe('helpers', () => {
  it('maskedMean averages the masked entries only, and is 0 with an empty mask', () => {
    expect(scalar(maskedMean(tf.tensor1d([1, 2, 100]), tf.tensor1d([1, 1, 0])))).toBeCloseTo(1.5, 6);
    expect(scalar(maskedMean(tf.tensor1d([1, 2]), tf.tensor1d([0, 0])))).toBe(0);
  });

  it('pickTaken reads one column per row', () => {
    const { q1, tokens } = example();
    expect(values(pickTaken(q1, tokens))).toEqual([2, 0, 3]);
  });
});

describe('TD loss', () => {
  it('regresses Q(s, a) toward r + γ(1 − done)V[next], by hand', () => {
    const e = example();
    // γ = 0.5: y0 = 0 + 0.5·V[1] = 1; y1 = 1 + 0.5·V[2] = 3; y2 = 5 (done).
    const targets = tdTargets(e.v, e.reward, e.done, e.nextValueIndex, 0.5);
    closeTo(Array.from(targets.dataSync()), [1, 3, 5]);
    // Head 1: ((2 − 1)² + (0 − 3)²) / 2 = 5 (row 2's (3 − 5)² is masked out). Head 2: ((1 − 1)² + (1 − 3)²) / 2 = 2.
    expect(scalar(tdLoss(pickTaken(e.q1, e.tokens), targets, e.isAction))).toBeCloseTo(5, 5);
    expect(scalar(tdLoss(pickTaken(e.q2, e.tokens), targets, e.isAction))).toBeCloseTo(2, 5);
  });

  it('sends no gradient into V through the target, and 2(Q − y)/n into the taken Q', () => {
    const e = example();
    const gradients = tf.grads((q: tf.Tensor, v: tf.Tensor) =>
      tdLoss(pickTaken(q as tf.Tensor2D, e.tokens), tdTargets(v as tf.Tensor1D, e.reward, e.done, e.nextValueIndex, 0.5), e.isAction),
    )([e.q1, e.v]);
    // dL/dQ0[1] = 2(2 − 1)/2 = 1; dL/dQ1[0] = 2(0 − 3)/2 = −3; untaken and masked entries 0.
    closeTo(values(gradients[0] as tf.Tensor), [0, 1, -3, 0, 0, 0]);
    closeTo(values(gradients[1] as tf.Tensor), [0, 0, 0]);
  });
});

describe('expectile V loss', () => {
  it('weights targets above V by τ and below by 1 − τ, on action rows only', () => {
    const e = example();
    // u = target − V = [2, −1, −4]; τ = 0.7: [0.7·4, 0.3·1, (masked)] → (2.8 + 0.3) / 2 = 1.55.
    expect(scalar(expectileValueLoss(e.v, e.targetQ, e.isAction, 0.7))).toBeCloseTo(1.55, 5);
  });

  it('moves V, not the target: dL/dV = −2|τ − 1[u < 0]|·u / n', () => {
    const e = example();
    const gradients = tf.grads((v: tf.Tensor, target: tf.Tensor) => expectileValueLoss(v as tf.Tensor1D, target as tf.Tensor1D, e.isAction, 0.7))([e.v, e.targetQ]);
    // Row 0: −2·0.7·2/2 = −1.4; row 1: −2·0.3·(−1)/2 = 0.3; row 2 masked.
    closeTo(values(gradients[0] as tf.Tensor), [-1.4, 0.3, 0]);
    closeTo(values(gradients[1] as tf.Tensor), [0, 0, 0]);
  });
});

describe('CQL and LM losses', () => {
  it('CQL is logsumexp_a Q(s, a) − Q(s, a_t), averaged over action rows', () => {
    const e = example();
    // Head 1: row 0 logsumexp(1, 2) − 2 = ln(1 + e⁻¹) = 0.313262; row 1 logsumexp(0, 0) − 0 = ln 2 = 0.693147.
    expect(scalar(cqlLoss(e.q1, e.tokens, e.isAction))).toBeCloseTo((0.313262 + 0.693147) / 2, 5);
    // Head 2: row 0 logsumexp(1, 1) − 1 = ln 2; row 1 logsumexp(1, 0) − 1 = ln(1 + e⁻¹).
    expect(scalar(cqlLoss(e.q2, e.tokens, e.isAction))).toBeCloseTo((0.693147 + 0.313262) / 2, 5);
  });

  it('CQL lowers every untaken token: dL/dQ = (softmax(Q) − onehot(a)) / n', () => {
    const e = example();
    const gradient = tf.grad((q: tf.Tensor) => cqlLoss(q as tf.Tensor2D, e.tokens, e.isAction))(e.q1);
    // Row 0: softmax(1, 2) = [0.268941, 0.731059], minus [0, 1], over 2 rows; row 1: ([0.5, 0.5] − [1, 0]) / 2.
    closeTo(values(gradient), [0.134471, -0.134471, -0.25, 0.25, 0, 0]);
  });

  it('LM loss is the cross-entropy of the next token on the rows of its mask', () => {
    // −ln softmax(0, ln 3)[1] = −ln(3/4) = 0.287682; the second row is masked out.
    const logits = tf.tensor2d([[0, Math.log(3)], [5, 0]]);
    expect(scalar(lmLoss(logits, tf.tensor1d([1, 1], 'int32'), tf.tensor1d([1, 0])))).toBeCloseTo(0.287682, 5);
  });
});

describe('ilqlLoss', () => {
  const lm = () => ({ logits: tf.tensor2d([[0, Math.log(3)]]), tokens: tf.tensor1d([1], 'int32'), mask: tf.tensor1d([1]) });

  it('sums both heads for TD and CQL and weights every part, by hand', () => {
    const parts = ilqlLoss({ ...example(), lm: lm() }, { gamma: 0.5, tau: 0.7 });
    const cql = 0.313262 + 0.693147; // both heads: (0.313262 + 0.693147) / 2 each
    expect(scalar(parts.td)).toBeCloseTo(5 + 2, 4);
    expect(scalar(parts.value)).toBeCloseTo(1.55, 4);
    expect(scalar(parts.cql)).toBeCloseTo(cql, 4);
    expect(scalar(parts.lm)).toBeCloseTo(0.287682, 4);
    // Weights 1, 1, 0.25, 1 (the defaults): 7 + 1.55 + 0.25·1.006409 + 0.287682.
    expect(scalar(parts.total)).toBeCloseTo(7 + 1.55 + 0.25 * cql + 0.287682, 4);
  });

  it('takes the target Q over the vocabulary too, and ignores masked rows entirely', () => {
    const e = example();
    const full = ilqlLoss({ ...e, targetQ: tf.tensor2d([[0, 3], [1, -7], [0, 0]]) }, { gamma: 0.5, tau: 0.7, cqlWeight: 1, lmWeight: 0 });
    const changedMaskedRow = ilqlLoss(
      { ...e, q1: tf.tensor2d([[1, 2], [0, 0], [-50, 9]]), v: tf.tensor1d([1, 2, 4]), reward: tf.tensor1d([0, 1, -30]) },
      { gamma: 0.5, tau: 0.7, cqlWeight: 1, lmWeight: 0 },
    );
    expect(scalar(full.total)).toBeCloseTo(7 + 1.55 + 0.313262 + 0.693147, 4);
    expect(scalar(changedMaskedRow.total)).toBeCloseTo(7 + 1.55 + 0.313262 + 0.693147, 4);
    expect(scalar(full.lm)).toBe(0);
  });

  it('defaults to the reference settings', () => {
    expect(ilqlDefaults).toMatchObject({ gamma: 0.99, tau: 0.7, cqlWeight: 0.25, polyakRate: 0.005 });
  });
});
