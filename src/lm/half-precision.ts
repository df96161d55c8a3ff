/**
 * Widens F16 and BF16 tensors in a safetensors file to F32, so checkpoints saved in half
 * precision (common for fine-tuned GPT-2s on the Hub) load through `decodeSafetensors`, which
 * reads F32 but not 16-bit floats. Files without half-precision tensors pass through untouched;
 * files whose header cannot be read are passed through too, for decodeSafetensors to report.
 *
 * @example
 * const { tensors } = decodeSafetensors(widenHalfPrecision(await readFile(file)), file);
 */

type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };

const HALF = new Set(['F16', 'BF16']);

/** IEEE 754 binary16 bits → float. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal (or zero)
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function widen(dtype: string, bytes: Uint8Array): Uint8Array {
  const count = bytes.length / 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    const words = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) words[i] = view.getUint16(2 * i, true) << 16;
  } else {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  }
  return new Uint8Array(out.buffer);
}

function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; end: number } | undefined {
  if (bytes.length < 8) return undefined;
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (8 + length > bytes.length) return undefined;
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return undefined;
    return { header: header as Record<string, unknown>, end: 8 + length };
  } catch {
    return undefined;
  }
}

const isEntry = (value: unknown): value is Entry =>
  typeof value === 'object' && value !== null && 'dtype' in value && 'data_offsets' in value && Array.isArray((value as Entry).data_offsets);

/** The same file with every F16/BF16 tensor stored as F32 (offsets rewritten to match). */
export function widenHalfPrecision(bytes: Uint8Array): Uint8Array {
  const read = readHeader(bytes);
  if (read === undefined) return bytes;
  const entries = Object.entries(read.header).filter((pair): pair is [string, Entry] => isEntry(pair[1]));
  if (!entries.some(([, entry]) => HALF.has(entry.dtype))) return bytes;
  const data = bytes.subarray(read.end);
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  const header: Record<string, unknown> = Object.create(null);
  if (read.header['__metadata__'] !== undefined) header['__metadata__'] = read.header['__metadata__'];
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const [name, entry] of entries) {
    const [begin, end] = entry.data_offsets;
    if (!(begin >= 0 && begin <= end && end <= data.length)) return bytes;
    const raw = data.subarray(begin, end);
    const chunk = HALF.has(entry.dtype) && raw.length % 2 === 0 ? widen(entry.dtype, raw) : raw;
    const dtype = chunk === raw ? entry.dtype : 'F32';
    header[name] = { dtype, shape: entry.shape, data_offsets: [at, at + chunk.length] };
    chunks.push(chunk);
    at += chunk.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + at).fill(0x20, 8, 8 + headerLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  let offset = 8 + headerLength;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
