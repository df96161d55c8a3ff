/**
 * Products of sparse rows with dense matrices in plain JS, equal to the WASM backend's dense
 * product to the last bit. That backend's matrix product (XNNPACK) adds one float32 product at
 * a time into each output, in order along the shared dimension, with no fused multiply-add; a
 * zero entry adds ±0, which leaves the sum as it is. So skipping the zeros and rounding each
 * product and each sum to float32 (Math.fround; double rounding is harmless for a sum of two
 * float32s) gives the same numbers, and a trained model does not change with the path taken.
 *
 * Which path is faster depends on how sparse the rows are (2 cores, [rows, 1,024] · [1,024, 64]):
 * at 15 non-zeros a row this loop is 2.5–3.5 times as fast as copying the rows out dense and
 * multiplying (128 rows: 0.25 ms against 0.66; 640 rows: 1.2 against 4.4), at 50 they are about
 * even and at 120 the dense product is three times as fast. `preferSparse` draws the line.
 *
 * @example
 * const out = sparseTimesDense(rows, w.dataSync() as Float32Array, 64);   // [rows, 64], row-major
 * const grad = sparseTransposeTimes(rows, dy.dataSync() as Float32Array, 64); // [dimension, 64]
 */

/** Compressed rows (sparse-layers.ts's SparseRows): row r holds entries offsets[r] … offsets[r + 1] − 1, indices ascending. */
type Rows = { count: number; dimension: number; offsets: Int32Array; indices: Int32Array; values: Float32Array };

/** Below this many non-zeros per row on average the loops here beat the dense product. */
export const sparseRowsBelow = 32;

export const preferSparse = (x: Rows): boolean => x.indices.length < x.count * sparseRowsBelow;

/** x·W for W [x.dimension, width] row-major: [x.count, width]. */
export function sparseTimesDense(x: Rows, w: Float32Array, width: number): Float32Array {
  const out = new Float32Array(x.count * width);
  const { offsets, indices, values } = x;
  const round = Math.fround;
  for (let row = 0; row < x.count; row += 1) {
    const o = row * width;
    const end = offsets[row + 1] as number;
    let e = offsets[row] as number;
    // Four entries per pass keep each output in a register across four additions, in their order.
    for (; e + 3 < end; e += 4) {
      const k0 = (indices[e] as number) * width;
      const k1 = (indices[e + 1] as number) * width;
      const k2 = (indices[e + 2] as number) * width;
      const k3 = (indices[e + 3] as number) * width;
      const v0 = values[e] as number;
      const v1 = values[e + 1] as number;
      const v2 = values[e + 2] as number;
      const v3 = values[e + 3] as number;
      for (let j = 0; j < width; j += 1) {
        let sum = out[o + j] as number;
        sum = round(sum + round(v0 * (w[k0 + j] as number)));
        sum = round(sum + round(v1 * (w[k1 + j] as number)));
        sum = round(sum + round(v2 * (w[k2 + j] as number)));
        out[o + j] = sum + round(v3 * (w[k3 + j] as number));
      }
    }
    for (; e < end; e += 1) {
      const k = (indices[e] as number) * width;
      const v = values[e] as number;
      for (let j = 0; j < width; j += 1) out[o + j] = (out[o + j] as number) + round(v * (w[k + j] as number));
    }
  }
  return out;
}

/** xᵀ·D for D [x.count, width] row-major: [x.dimension, width], what a linear layer's weight gradient is. */
export function sparseTransposeTimes(x: Rows, d: Float32Array, width: number): Float32Array {
  const out = new Float32Array(x.dimension * width);
  const { offsets, indices, values } = x;
  const round = Math.fround;
  for (let row = 0; row < x.count; row += 1) {
    const o = row * width;
    const end = offsets[row + 1] as number;
    for (let e = offsets[row] as number; e < end; e += 1) {
      const k = (indices[e] as number) * width;
      const v = values[e] as number;
      for (let j = 0; j < width; j += 1) out[k + j] = (out[k + j] as number) + round(v * (d[o + j] as number));
    }
  }
  return out;
}
