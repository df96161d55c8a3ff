/**
 * The layers that read raw hashed features. Raw features are data, never parameters, so these
 * layers skip the gradient with respect to their input: for a [128, 1024] batch that gradient
 * is a full matrix product per layer, computed and thrown away by automatic differentiation.
 * The wide product also avoids `matMul(…, transposeB)`, which the WASM backend runs on a slow
 * path (about 11 ms against 0.7 ms for the same product on plain operands, in one training step).
 *
 * @example
 * const hidden = inputLinear(raw, w1, b1);         // raw·w1 + b1, gradients for w1 and b1 only
 * const scores = wideProduct(states, u, actions);  // [states, actions]: Σ_d u_d s_d a_d
 */
import * as tf from '@tensorflow/tfjs-core';
import { LinearShapeError } from './linear.ts';

type GradArgs = (tf.Tensor | tf.GradSaveFunc)[];

const inputLinearOp = tf.customGrad((...args: GradArgs) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input] = saved as [tf.Tensor2D];
      return [tf.zerosLike(input), tf.matMul(tf.transpose(input), dy as tf.Tensor2D), tf.sum(dy, 0)];
    },
  };
});

/** x·w + b where x is data: differentiable in w and b; x gets a zero gradient. */
export function inputLinear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0] || b.rank !== 1 || b.shape[0] !== w.shape[1]) {
    throw new LinearShapeError(`inputLinear: cannot apply w [${w.shape}] and b [${b.shape}] to x [${x.shape}]`, {
      hint: 'x must be [batch, in], w [in, out] and b [out].',
    });
  }
  return inputLinearOp(x, w, b) as tf.Tensor2D;
}

const wideProductOp = tf.customGrad((...args: GradArgs) => {
  const [x, u, y, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, y]);
  return {
    value: tf.matMul(tf.mul(x, u) as tf.Tensor2D, tf.transpose(y)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [left, right] = saved as [tf.Tensor2D, tf.Tensor2D];
      // ∂/∂u_d = Σ_ij dy_ij x_id y_jd = Σ_i x_id (dy·y)_id
      const du = tf.sum(tf.mul(left, tf.matMul(dy as tf.Tensor2D, right)), 0);
      return [tf.zerosLike(left), du, tf.zerosLike(right)];
    },
  };
});

/** Σ_d u_d x[i, d] y[j, d] for every row i of x and j of y: [n, m]. Differentiable in u only. */
export function wideProduct(x: tf.Tensor2D, u: tf.Tensor1D, y: tf.Tensor2D): tf.Tensor2D {
  if (x.rank !== 2 || y.rank !== 2 || u.rank !== 1 || x.shape[1] !== u.shape[0] || y.shape[1] !== u.shape[0]) {
    throw new LinearShapeError(`wideProduct: x [${x.shape}], u [${u.shape}] and y [${y.shape}] do not share a feature width`, {
      hint: 'x and y must be [rows, d] and u [d].',
    });
  }
  return wideProductOp(x, u, y) as tf.Tensor2D;
}
