/**
 * Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON header
 * padded with spaces to a multiple of 8, then the raw little-endian tensor bytes) so trained
 * weights can be inspected or loaded by other tools. Decoding trusts nothing in the file.
 * Typed arrays are read and written in host byte order, i.e. assuming a little-endian host.
 *
 * @example
 * const bytes = encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } }, { step: '10' });
 * decodeSafetensors(bytes, 'policy.safetensors').tensors.w?.data; // Float32Array [1, 2]
 */
import { z } from 'zod';
import { ReverieError } from '../errors.ts';

export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'I64' | 'U8';
export type NamedTensor = {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
};

export class SafetensorsError extends ReverieError {
  override readonly name = 'SafetensorsError';
  readonly source: string;
  readonly tensor: string | undefined;

  constructor(source: string, tensor: string | undefined, problem: string, hint: string) {
    super(`${source}: ${tensor === undefined ? '' : `tensor ${JSON.stringify(tensor)}: `}${problem}`, { hint });
    this.source = source;
    this.tensor = tensor;
  }
}

type ArrayType = NamedTensor['data'];
const DTYPES: Record<SafetensorsDtype, { size: number; make: (buffer: ArrayBuffer) => ArrayType; is: (data: ArrayType) => boolean }> = {
  F32: { size: 4, make: (b) => new Float32Array(b), is: (d) => d instanceof Float32Array },
  F64: { size: 8, make: (b) => new Float64Array(b), is: (d) => d instanceof Float64Array },
  I32: { size: 4, make: (b) => new Int32Array(b), is: (d) => d instanceof Int32Array },
  I64: { size: 8, make: (b) => new BigInt64Array(b), is: (d) => d instanceof BigInt64Array },
  U8: { size: 1, make: (b) => new Uint8Array(b), is: (d) => d instanceof Uint8Array },
};
const isDtype = (dtype: string): dtype is SafetensorsDtype => Object.hasOwn(DTYPES, dtype);
const SUPPORTED = Object.keys(DTYPES).join(', ');
const METADATA_KEY = '__metadata__';
const elementCount = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

const offset = z.number().int().nonnegative();
const entrySchema = z.object({ dtype: z.string(), shape: z.array(offset), data_offsets: z.tuple([offset, offset]) });
const metadataSchema = z.record(z.string(), z.string());
const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/**
 * Serialises tensors (and optional string metadata) into one safetensors file. Tensors are laid
 * out widest dtype first so every tensor starts on a multiple of its element size, which lets
 * readers that map the file build typed-array views without copying.
 */
export function encodeSafetensors(tensors: Record<string, NamedTensor>, metadata?: Record<string, string>): Uint8Array {
  const fail = (tensor: string | undefined, problem: string, hint: string) => new SafetensorsError('encodeSafetensors', tensor, problem, hint);
  const entries = Object.entries(tensors);
  for (const [name, { dtype, shape, data }] of entries) {
    if (name === METADATA_KEY) throw fail(name, 'this name is reserved for metadata', 'Rename the tensor.');
    if (!isDtype(dtype)) throw fail(name, `unsupported dtype ${JSON.stringify(dtype)}`, `Use one of ${SUPPORTED}.`);
    if (!DTYPES[dtype].is(data)) throw fail(name, `dtype ${dtype} does not match its ${data.constructor.name}`, 'Pass the typed array that matches the dtype.');
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw fail(name, `shape [${shape}] is not a list of non-negative integers`, 'Fix the shape.');
    if (elementCount(shape) !== data.length) {
      throw fail(name, `shape [${shape}] needs ${elementCount(shape)} elements but data has ${data.length}`, 'Make the shape match the data.');
    }
  }
  if (metadata !== undefined && !metadataSchema.safeParse(metadata).success) {
    throw fail(undefined, 'metadata values must all be strings', 'Stringify metadata values (e.g. with JSON.stringify) first.');
  }
  const ordered = entries.map((entry, index) => ({ entry, index }));
  ordered.sort((a, b) => DTYPES[b.entry[1].dtype].size - DTYPES[a.entry[1].dtype].size || a.index - b.index);

  // A null prototype makes a tensor named "__proto__" an ordinary key instead of a prototype swap.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata !== undefined && Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let end = 0;
  for (const { entry: [name, { dtype, shape, data }] } of ordered) {
    header[name] = { dtype, shape, data_offsets: [end, end + data.byteLength] };
    end += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + end);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const { entry: [, { data }] } of ordered) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/**
 * Parses a safetensors file, validating the header and that the tensors tile the data buffer
 * exactly. Returned arrays are fresh copies, so they are aligned and independent of `bytes`.
 * Throws SafetensorsError naming `source` (and the tensor, when one is at fault).
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = '<buffer>',
): { tensors: Record<string, NamedTensor>; metadata: Record<string, string> } {
  const fail = (tensor: string | undefined, problem: string, hint = 'The file is corrupt or not a safetensors file; re-export it.') =>
    new SafetensorsError(source, tensor, problem, hint);
  if (bytes.length < 8) throw fail(undefined, `file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) {
    throw fail(undefined, `header length ${declared} exceeds the ${bytes.length - 8} bytes after the length field`, 'The file is truncated or not a safetensors file.');
  }
  const headerEnd = 8 + Number(declared);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (error) {
    throw fail(undefined, `header is not valid UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail(undefined, 'header is not a JSON object');

  const bufferLength = bytes.length - headerEnd;
  let metadata: Record<string, string> = {};
  const layout: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === METADATA_KEY) {
      const parsed = metadataSchema.safeParse(value);
      if (!parsed.success) throw fail(undefined, `__metadata__ must map strings to strings (${issues(parsed.error)})`);
      metadata = Object.fromEntries(Object.entries(value as Record<string, string>));
      continue;
    }
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) throw fail(name, `malformed header entry (${issues(parsed.error)})`);
    const { dtype, shape, data_offsets: [begin, end] } = parsed.data;
    if (!isDtype(dtype)) throw fail(name, `unsupported dtype ${JSON.stringify(dtype)}`, `Only ${SUPPORTED} are supported; convert the tensor when exporting.`);
    if (begin > end || end > bufferLength) throw fail(name, `data_offsets [${begin}, ${end}] fall outside the ${bufferLength}-byte data buffer`);
    const expected = elementCount(shape) * DTYPES[dtype].size;
    if (end - begin !== expected) throw fail(name, `holds ${end - begin} bytes but ${dtype} [${shape}] needs ${expected}`);
    layout.push({ name, dtype, shape, begin, end });
  }

  layout.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: string | undefined;
  for (const { name, begin, end } of layout) {
    if (begin < covered) throw fail(name, `data_offsets [${begin}, ${end}] overlap tensor ${JSON.stringify(previous)}`);
    if (begin > covered) throw fail(name, `starts at byte ${begin}, leaving a gap after byte ${covered}`);
    covered = end;
    previous = name;
  }
  if (covered !== bufferLength) throw fail(undefined, `data buffer has ${bufferLength - covered} trailing bytes not owned by any tensor`);

  const tensors = Object.fromEntries(
    layout.map(({ name, dtype, shape, begin, end }): [string, NamedTensor] => {
      // slice() copies into a fresh ArrayBuffer at offset 0, so wide dtypes are always aligned.
      const copy = bytes.slice(headerEnd + begin, headerEnd + end);
      return [name, { dtype, shape, data: DTYPES[dtype].make(copy.buffer) }];
    }),
  );
  return { tensors, metadata };
}
