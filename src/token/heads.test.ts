import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.ts';
import { createRng } from '../util/rng.ts';
import {
  disposeHeads,
  headShapes,
  IlqlHeadError,
  initIlqlHeads,
  isTargetHead,
  polyakUpdate,
  qTaken,
  qValues,
  stateValues,
  targetQMin,
  targetQMinTaken,
  trainableHeadVariables,
} from './heads.ts';
import type { IlqlHeads } from './heads.ts';
import { pickTaken } from './losses.ts';
import { closeTo, values as read } from '../../test/support/tensor-values.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const set = (heads: IlqlHeads, name: string, values: number[] | number[][]): void => {
  const variable = heads.get(name);
  if (variable === undefined) throw new Error(`no ${name}`);
  variable.assign(tf.tensor(values, variable.shape));
};

describe('parameters', () => {
  it('names every head ilql.<head>.<w1|b1|w2|b2>, the hidden width 2d unless given', () => {
    const shapes = headShapes({ hiddenSize: 4, vocabSize: 10 });
    expect([...shapes.keys()].filter((name) => name.startsWith('ilql.q1.'))).toEqual(['ilql.q1.w1', 'ilql.q1.b1', 'ilql.q1.w2', 'ilql.q1.b2']);
    expect(shapes.get('ilql.q1.w1')).toEqual([4, 8]);
    expect(shapes.get('ilql.target-q2.w2')).toEqual([8, 10]);
    expect(shapes.get('ilql.v.w2')).toEqual([8, 1]);
    expect(headShapes({ hiddenSize: 4, vocabSize: 10, width: 3 }).get('ilql.v.w1')).toEqual([4, 3]);
    expect(shapes.size).toBe(5 * 4);
    expect(() => headShapes({ hiddenSize: 0, vocabSize: 10 })).toThrow(IlqlHeadError);
  });

  it('starts the targets equal to their heads, untrainable, and Q and V near 0', () => {
    const heads = initIlqlHeads({ hiddenSize: 16, vocabSize: 50 }, createRng('heads'));
    for (const [name, variable] of heads) {
      expect(variable.trainable).toBe(!isTargetHead(name));
      if (isTargetHead(name)) expect(read(variable.clone())).toEqual(read((heads.get(name.replace('target-', '')) as tf.Variable).clone()));
    }
    expect(trainableHeadVariables(heads)).toHaveLength(12);
    const h = tf.randomUniform([5, 16], -1, 1, 'float32', 7) as tf.Tensor2D;
    const q = read(qValues(heads, 'q1', h));
    expect(Math.max(...q.map(Math.abs))).toBeLessThan(0.05);
    expect(Math.max(...q.map(Math.abs))).toBeGreaterThan(0); // small, not zero: the twin heads differ
    expect(Math.max(...read(stateValues(heads, h)).map(Math.abs))).toBeLessThan(0.05);
    expect(read(qValues(heads, 'q1', h))).not.toEqual(read(qValues(heads, 'q2', h)));
    disposeHeads(heads);
  });
});

describe('forward, by hand', () => {
  // d = 2, width 2, vocab 3. w1 = [[1, −1], [2, 0]], b1 = [0, 1].
  // h = [1, 1]:  h·w1 + b1 = [3, 0] → relu [3, 0];  h = [0, −1]: [−2, 1] → relu [0, 1].
  const heads = initIlqlHeads({ hiddenSize: 2, vocabSize: 3, width: 2 }, createRng(1));
  for (const head of ['q1', 'target-q1', 'target-q2', 'v']) {
    set(heads, `ilql.${head}.w1`, [[1, -1], [2, 0]]);
    set(heads, `ilql.${head}.b1`, [0, 1]);
  }
  set(heads, 'ilql.q1.w2', [[1, 0, -1], [5, 5, 5]]);
  set(heads, 'ilql.q1.b2', [0.5, 0, 0]);
  set(heads, 'ilql.target-q1.w2', [[1, 0, -1], [5, 5, 5]]);
  set(heads, 'ilql.target-q1.b2', [0.5, 0, 0]);
  set(heads, 'ilql.target-q2.w2', [[0, 1, 0], [6, 4, 6]]);
  set(heads, 'ilql.target-q2.b2', [0, 0, 0]);
  set(heads, 'ilql.v.w2', [[2], [1]]);
  set(heads, 'ilql.v.b2', [-1]);
  const h = () => tf.tensor2d([[1, 1], [0, -1]]);

  it('computes Q over the vocabulary and V', () => {
    // Q1 row 0: 3·[1, 0, −1] + [0.5, 0, 0] = [3.5, 0, −3]; row 1: [5, 5, 5] + [0.5, 0, 0] = [5.5, 5, 5].
    closeTo(read(qValues(heads, 'q1', h())), [3.5, 0, -3, 5.5, 5, 5]);
    // V row 0: 3·2 + 0·1 − 1 = 5; row 1: 0·2 + 1·1 − 1 = 0.
    closeTo(read(stateValues(heads, h())), [5, 0]);
  });

  it('takes the elementwise min of the target heads, over the vocabulary or at the taken tokens', () => {
    // Target Q2 row 0: 3·[0, 1, 0] = [0, 3, 0]; row 1: [6, 4, 6]. Min with [3.5, 0, −3] / [5.5, 5, 5].
    closeTo(read(targetQMin(heads, h())), [0, 0, -3, 5.5, 4, 5]);
    closeTo(read(targetQMinTaken(heads, h(), tf.tensor1d([1, 2], 'int32'))), [0, 5]);
  });

  it('qTaken reads the same numbers as picking from the full Q', () => {
    const tokens = tf.tensor1d([2, 0], 'int32');
    closeTo(read(qTaken(heads, 'q1', h(), tokens)), read(pickTaken(qValues(heads, 'q1', h()), tokens)));
  });

  it('refuses hidden states of the wrong width', () => {
    expect(() => qValues(heads, 'q1', tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(IlqlHeadError);
  });

  it('trains the online heads through the custom-gradient layers', () => {
    const { grads } = tf.variableGrads(() => tf.sum(qValues(heads, 'q1', h())) as tf.Scalar, trainableHeadVariables(heads));
    // dΣQ/db2 = the number of rows, for every token; the hidden layer gets a gradient too.
    const name = (heads.get('ilql.q1.b2') as tf.Variable).name;
    expect(Object.keys(grads)).toHaveLength(4); // only q1's own parameters
    closeTo(read(grads[name] as tf.Tensor), [2, 2, 2]);
    expect(read(tf.abs(grads[(heads.get('ilql.q1.w1') as tf.Variable).name] as tf.Tensor).sum())[0]).toBeGreaterThan(0);
  });
});

describe('polyakUpdate', () => {
  it('moves each target a fraction ρ toward its head and touches nothing else', () => {
    const heads = initIlqlHeads({ hiddenSize: 1, vocabSize: 2, width: 1 }, createRng(2));
    set(heads, 'ilql.q1.w2', [[3, -1]]);
    set(heads, 'ilql.target-q1.w2', [[1, 1]]);
    set(heads, 'ilql.v.w2', [[7]]);
    polyakUpdate(heads, 0.005);
    // 0.995·1 + 0.005·3 = 1.01; 0.995·1 + 0.005·(−1) = 0.99.
    closeTo(read((heads.get('ilql.target-q1.w2') as tf.Variable).clone()), [1.01, 0.99]);
    polyakUpdate(heads, 0.005);
    // 0.995·1.01 + 0.015 = 1.01995; 0.995·0.99 − 0.005 = 0.98005.
    closeTo(read((heads.get('ilql.target-q1.w2') as tf.Variable).clone()), [1.01995, 0.98005]);
    closeTo(read((heads.get('ilql.q1.w2') as tf.Variable).clone()), [3, -1]);
    closeTo(read((heads.get('ilql.v.w2') as tf.Variable).clone()), [7]);
    polyakUpdate(heads, 1);
    closeTo(read((heads.get('ilql.target-q1.w2') as tf.Variable).clone()), [3, -1]);
    expect(() => polyakUpdate(heads, 1.5)).toThrow(IlqlHeadError);
    disposeHeads(heads);
  });
});
