/**
 * Summaries of consecutive row segments of a matrix: each segment's rows added up, or its last
 * row. The state encoder reads each state's exchanges this way (rl/exchange-rows.ts). A dense
 * [segments, rows] 0/1 matrix times the rows gives the same numbers, but costs segments × rows ×
 * width multiply-adds, almost all of them by zero, and its backward pass also computed a gradient
 * for the constant matrix: on countries that was a tenth of a training step.
 *
 * Rows are added in order in float32, as the backend's product adds them (a zero term changes no
 * bit), so the results equal the dense product's to the last bit. The gradient goes to the rows
 * alone: each row gets its segment's gradient (the last row alone, for `last`).
 *
 * @example
 * const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
 * segmentPool(x, Int32Array.from([0, 2, 3]), 'sum');  // [[4, 6], [5, 6]]
 * segmentPool(x, Int32Array.from([0, 2, 3]), 'last'); // [[3, 4], [5, 6]]
 */
import * as tf from '@tensorflow/tfjs-core';

/** Segment s is rows starts[s] … starts[s + 1] − 1 (maybe none: a zero row); rows past the last segment belong to none. */
export type Segments = Int32Array;

export const segmentPool = (x: tf.Tensor2D, starts: Segments, mode: 'sum' | 'last'): tf.Tensor2D => {
  const [rows, width] = x.shape;
  const segments = starts.length - 1;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const values = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const out = new Float32Array(segments * width);
    for (let s = 0; s < segments; s += 1) {
      const from = starts[s] as number;
      const to = starts[s + 1] as number;
      if (to <= from) continue;
      if (mode === 'last') out.set(values.subarray((to - 1) * width, to * width), s * width);
      else for (let r = from; r < to; r += 1) for (let c = 0; c < width; c += 1) out[s * width + c] = (out[s * width + c] as number) + (values[r * width + c] as number);
    }
    return {
      value: tf.tensor2d(out, [segments, width]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(rows * width);
        for (let s = 0; s < segments; s += 1) {
          const to = starts[s + 1] as number;
          const from = mode === 'last' ? Math.max(starts[s] as number, to - 1) : (starts[s] as number);
          for (let r = from; r < to; r += 1) dx.set(g.subarray(s * width, (s + 1) * width), r * width);
        }
        return tf.tensor2d(dx, [rows, width]);
      },
    };
  });
  return op(x) as tf.Tensor2D;
};
