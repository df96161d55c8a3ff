/**
 * Reading and replacing a variable's values from plain loops (Adam, the Polyak update, the sparse
 * layers), without a copy through JS where the backend allows. On WASM a float32 tensor lives in
 * the backend's heap, and a view of it costs nothing; at 1.6 M parameters per step the copies
 * `dataSync().slice()` made, and the garbage they left, cost a countries training step dearly (the
 * garbage collector alone took 12% of a profiled step, 5% after).
 *
 * A heap view dies when the WASM memory grows, i.e. at the next tensor allocation: take it after
 * the last allocation and use it at once.
 *
 * @example
 * replaceValues(variable, (current, next) => { for (let j = 0; j < next.length; j += 1) next[j] = current[j] * 0.5; });
 */
import * as tf from '@tensorflow/tfjs-core';

type HeapBackend = { typedArrayFromHeap(tensor: tf.Tensor): Float32Array };

/** A float32 tensor's storage on the WASM backend as a view (no copy); undefined on other backends. */
const heapView = (tensor: tf.Tensor): Float32Array | undefined =>
  tf.getBackend() === 'wasm' && tensor.dtype === 'float32' ? (tf.backend() as unknown as HeapBackend).typedArrayFromHeap(tensor) : undefined;

/** A tensor's values to read at once: the heap view where there is one, else the backend's data. */
export const readValues = (tensor: tf.Tensor): Float32Array => heapView(tensor) ?? (tensor.dataSync() as Float32Array);

/** Replaces a variable's values with `values`, of its own size. */
const assignValues = (variable: tf.Variable, values: Float32Array): void => {
  const next = tf.tensor(values, variable.shape, 'float32');
  variable.assign(next);
  next.dispose();
};

/**
 * Replaces a variable's values by what `fill(current, next)` writes into `next`. On WASM both are
 * heap views and `next` is a fresh tensor's storage (a new one, as `assign` always gave: the
 * backend may keep what it prepared from the old one); elsewhere `next` is a new array. `fill`
 * may read other tensors through readValues, and must not allocate tensors.
 */
export const replaceValues = (variable: tf.Variable, fill: (current: Float32Array, next: Float32Array) => void): void => {
  if (tf.getBackend() === 'wasm' && variable.dtype === 'float32') {
    const next = tf.zerosLike(variable);
    fill(heapView(variable) as Float32Array, heapView(next) as Float32Array);
    variable.assign(next);
    next.dispose();
    return;
  }
  const next = new Float32Array(variable.size);
  fill(variable.dataSync() as Float32Array, next);
  assignValues(variable, next);
};

/**
 * A tensor of `values` that may be a scratch buffer the next kernel call overwrites: WASM copies a
 * typed array into its heap as the tensor is made, so the buffer is handed over as it is; the cpu
 * backend keeps the array itself as the tensor's storage, so it gets a copy.
 */
export const tensorFromScratch = (values: Float32Array, shape: [number, number]): tf.Tensor2D =>
  tf.tensor2d(tf.getBackend() === 'wasm' ? values : values.slice(), shape);
