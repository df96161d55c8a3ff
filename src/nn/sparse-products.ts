/**
 * Products of sparse rows with dense matrices, equal to the WASM backend's dense product to the
 * last bit. That backend's matrix product (XNNPACK) adds one float32 product at a time into each
 * output, in order along the shared dimension, with a separate multiply and add; a zero entry
 * adds ±0, which leaves the sum as it is. So a loop over the non-zeros that does the same
 * (kernels/sparse-products.wat, 128-bit SIMD across the output columns) gives the same numbers,
 * and a trained model does not change with the path taken.
 *
 * Which path is faster depends on how sparse the rows are ([128, 1,024] · [1,024, 64] on this
 * 2-core machine, `npm run bench -- --only first-layer`): at 15 non-zeros a row the loop is 16
 * times as fast as copying the rows out dense and multiplying, at 120 2.7 times, at 400 1.15
 * times. `preferSparse` draws the line.
 *
 * @example
 * const out = sparseTimesDense(rows, w.dataSync() as Float32Array, 64);   // [rows, 64], row-major
 * const grad = sparseTransposeTimes(rows, dy.dataSync() as Float32Array, 64); // [dimension, 64]
 */
import { wasmBase64 } from './kernels/sparse-products.wasm.ts';
import { LinearShapeError } from './linear.ts';

/** Compressed rows (sparse-layers.ts's SparseRows): row r holds entries offsets[r] … offsets[r + 1] − 1, indices ascending. */
type Rows = { count: number; dimension: number; offsets: Int32Array; indices: Int32Array; values: Float32Array };

/** Below this many non-zeros per row on average the kernels here beat the dense product. */
export const sparseRowsBelow = 400;

const entriesOf = (x: Rows): number => (x.offsets[x.count] as number) - (x.offsets[0] as number);

export const preferSparse = (x: Rows): boolean => entriesOf(x) < x.count * sparseRowsBelow;

type Kernels = {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  product: (rows: number, offsets: number, indices: number, values: number, matrix: number, width: number, out: number, transposed: number) => void;
};
/** The part of the WebAssembly global used here (the project's type libraries leave it out). */
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } } };

let compiled: Kernels | undefined;
/** The SIMD kernel (kernels/sparse-products.wat), compiled on first use: a pure function of its inputs, so one instance serves every call. */
const kernels = (): Kernels => {
  if (compiled === undefined) {
    const { exports } = new wasm.Instance(new wasm.Module(Buffer.from(wasmBase64, 'base64')));
    compiled = exports as unknown as Kernels;
  }
  return compiled;
};

/**
 * Copies the rows and a dense matrix into the kernels' memory, runs the product into a zeroed output
 * of `outLength` floats and returns a copy of it, or with `copy` false the output itself: a view of
 * the kernels' memory, valid until their next call, for a caller that copies it at once. Each block
 * starts on a 16-byte boundary; the memory grows to the largest call and stays that size.
 */
const run = (transposed: boolean, x: Rows, matrix: Float32Array, width: number, outLength: number, copy = true): Float32Array => {
  const rows = transposed ? x.count : x.dimension;
  if (matrix.length !== rows * width) {
    // The kernel does not check bounds: a wrong size would read past the matrix without an error.
    throw new LinearShapeError(`sparse product: a matrix of ${matrix.length} values is not [${rows}, ${width}]`, { hint: 'Pass a row-major matrix of the shape the rows need.' });
  }
  const k = kernels();
  const entries = x.offsets[x.count] as number;
  const sizes = [(x.count + 1) * 4, entries * 4, entries * 4, matrix.length * 4, outLength * 4];
  const starts: number[] = [];
  let end = 0;
  for (const size of sizes) {
    starts.push(end);
    end += Math.ceil(size / 16) * 16;
  }
  const missing = end - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / 65536));
  const [offsets = 0, indices = 0, values = 0, dense = 0, out = 0] = starts;
  const buffer = k.memory.buffer;
  new Int32Array(buffer, offsets, x.count + 1).set(x.offsets.subarray(0, x.count + 1));
  new Int32Array(buffer, indices, entries).set(x.indices.subarray(0, entries));
  new Float32Array(buffer, values, entries).set(x.values.subarray(0, entries));
  new Float32Array(buffer, dense, matrix.length).set(matrix);
  const result = new Float32Array(buffer, out, outLength);
  result.fill(0);
  k.product(x.count, offsets, indices, values, dense, width, out, transposed ? 1 : 0);
  return copy ? result.slice() : result;
};

/** x·W for W [x.dimension, width] row-major: [x.count, width]. */
export const sparseTimesDense = (x: Rows, w: Float32Array, width: number, copy = true): Float32Array => run(false, x, w, width, x.count * width, copy);

/** xᵀ·D for D [x.count, width] row-major: [x.dimension, width], what a linear layer's weight gradient is. */
export const sparseTransposeTimes = (x: Rows, d: Float32Array, width: number, copy = true): Float32Array => run(true, x, d, width, x.dimension * width, copy);
