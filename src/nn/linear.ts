/**
 * Dense layer maths with a hand-written gradient. tf's own matMul gradient passes transposeA /
 * transposeB flags, which the WASM backend runs about five times slower than a plain matMul; an
 * explicit transpose followed by a plain matMul keeps training on the fast path.
 *
 * @example
 * const w = tf.tensor2d(glorotUniform(4, 2, () => rng.next()), [4, 2]);
 * const y = linear(tf.ones([3, 4]), w, tf.zeros([2])); // shape [3, 2]
 */
import * as tf from '@tensorflow/tfjs-core';
import { ReverieError } from '../errors.ts';

export class LinearShapeError extends ReverieError {
  override readonly name = 'LinearShapeError';
}

// customGrad functions take a fixed list of tensors, so the biased and unbiased layers differ.
type GradArgs = (tf.Tensor | tf.GradSaveFunc)[];

const withBias = tf.customGrad((...args: GradArgs) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [...matMulGrads(dy, saved), tf.sum(dy, 0)],
  };
});

const withoutBias = tf.customGrad((...args: GradArgs) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => matMulGrads(dy, saved),
  };
});

function matMulGrads(dy: tf.Tensor, saved: tf.Tensor[]): [tf.Tensor, tf.Tensor] {
  const [x, w] = saved as [tf.Tensor2D, tf.Tensor2D];
  const dy2 = dy as tf.Tensor2D;
  return [tf.matMul(dy2, tf.transpose(w)), tf.matMul(tf.transpose(x), dy2)];
}

/** x·w (+ b) for x [n, in], w [in, out], b [out]; differentiable with respect to all three. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const [n, inputs] = x.shape;
  const [rows, outputs] = w.shape;
  if (x.rank !== 2 || w.rank !== 2 || inputs !== rows) {
    throw new LinearShapeError(`linear: cannot multiply x of shape [${x.shape}] by w of shape [${w.shape}]`, {
      hint: 'x must be [batch, in] and w must be [in, out] with the same `in`.',
    });
  }
  if (b === undefined) return withoutBias(x, w) as tf.Tensor2D;
  if (b.rank !== 1 || b.shape[0] !== outputs) {
    throw new LinearShapeError(`linear: bias of shape [${b.shape}] does not match output width ${outputs} (x is [${n}, ${inputs}])`, {
      hint: 'The bias must be a 1-D tensor with one entry per output column of w.',
    });
  }
  return withBias(x, w, b) as tf.Tensor2D;
}

/**
 * Glorot/Xavier uniform weights, row-major [rows, cols]: uniform in ±sqrt(6 / (rows + cols)),
 * which keeps activation variance roughly constant through tanh/linear layers.
 * `random` must return floats in [0, 1); pass a seeded source for reproducible runs.
 */
export function glorotUniform(rows: number, cols: number, random: () => number): Float32Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new LinearShapeError(`glorotUniform: shape [${rows}, ${cols}] is not a pair of positive integers`, {
      hint: 'Pass the layer fan-in and fan-out as positive whole numbers.',
    });
  }
  const limit = Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = (2 * random() - 1) * limit;
  return out;
}
