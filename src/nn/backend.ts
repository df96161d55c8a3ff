/**
 * One-time TensorFlow.js backend setup: prefers the WASM backend (several times faster than the
 * pure-JS cpu backend for our matMul-heavy training) and falls back to cpu when WASM cannot load.
 *
 * @example
 * const active = await initBackend(); // 'wasm', or 'cpu' after a one-line warning on stderr
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ReverieError } from '../errors.ts';

export type BackendName = 'wasm' | 'cpu';

export class BackendError extends ReverieError {
  override readonly name = 'BackendError';
}

/** Process-wide by nature: tf's engine is a singleton, so the init result is too. */
let initialised: Promise<BackendName> | undefined;

/**
 * Registers both backends and activates `preferred`. Idempotent: later calls, whatever their
 * argument, return the backend chosen by the first one.
 */
export function initBackend(preferred: BackendName = 'wasm'): Promise<BackendName> {
  initialised ??= activate(preferred);
  return initialised;
}

async function activate(preferred: BackendName): Promise<BackendName> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (preferred === 'wasm') {
    try {
      if (await activateWasm()) return 'wasm';
      process.stderr.write('reverie: WASM backend failed to initialise; using the slower cpu backend\n');
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      process.stderr.write(`reverie: WASM backend unavailable (${reason}); using the slower cpu backend\n`);
    }
  }
  if (!(await tf.setBackend('cpu'))) {
    throw new BackendError('initBackend: the tfjs cpu backend failed to initialise', {
      hint: 'Reinstall dependencies (npm ci); @tensorflow/tfjs-backend-cpu may be missing or corrupt.',
    });
  }
  await tf.ready();
  return 'cpu';
}

async function activateWasm(): Promise<boolean> {
  const exceptionListeners = process.listeners('uncaughtException');
  const rejectionListeners = process.listeners('unhandledRejection');
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    registerUnsortedSegmentSum();
    const ok = await tf.setBackend('wasm');
    if (ok) await tf.ready();
    return ok;
  } finally {
    // The Emscripten glue installs handlers that rethrow, so every later crash would dump the whole
    // minified glue file instead of our error; we keep only listeners that existed before.
    for (const listener of process.listeners('uncaughtException')) {
      if (!exceptionListeners.includes(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejectionListeners.includes(listener)) process.removeListener('unhandledRejection', listener);
    }
  }
}

/** The slice of the wasm backend the kernel below needs; its class is not part of tfjs-core. */
interface WasmBackendLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number, values?: Float32Array | Int32Array): TensorInfo;
}

/**
 * tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks. A JS loop over
 * copies of the inputs is fast enough for embedding-sized tables and avoids touching heap views
 * that could be invalidated when the wasm memory grows.
 */
const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const x = inputs['x'] as TensorInfo;
  const segmentIds = inputs['segmentIds'] as TensorInfo;
  const numSegments = Number(attrs?.['numSegments']);
  const xs = wasm.readSync(x.dataId);
  const ids = wasm.readSync(segmentIds.dataId);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i] as number;
    // Out-of-range ids are dropped, matching the cpu backend's masking behaviour.
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * inner;
    const to = segment * inner;
    for (let j = 0; j < inner; j++) out[to + j] = (out[to + j] as number) + (xs[from + j] as number);
  }
  return wasm.makeOutput([numSegments, ...innerShape], x.dtype === 'int32' ? 'int32' : 'float32', undefined, out);
};

function registerUnsortedSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined) return;
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum });
}
