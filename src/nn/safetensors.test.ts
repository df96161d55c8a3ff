import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from './safetensors.ts';
import type { NamedTensor, SafetensorsDtype } from './safetensors.ts';

const bytesOf = (data: NamedTensor['data']) => Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
const ELEMENT_SIZE: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1 };

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, text: new TextDecoder().decode(bytes.subarray(8, 8 + length)) };
}

const tensorArb: fc.Arbitrary<NamedTensor> = fc
  .tuple(fc.constantFrom<SafetensorsDtype>('F32', 'F64', 'I32', 'I64', 'U8'), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))
  .chain(([dtype, shape]) => {
    const n = { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) };
    const data = {
      F32: () => fc.float32Array(n),
      F64: () => fc.float64Array(n),
      I32: () => fc.int32Array(n),
      I64: () => fc.bigInt64Array(n),
      U8: () => fc.uint8Array(n),
    }[dtype]() as fc.Arbitrary<NamedTensor['data']>;
    return data.map((d): NamedTensor => ({ dtype, shape, data: d }));
  });
const tensorsArb = fc.dictionary(fc.string().filter((name) => name !== '__metadata__'), tensorArb, { maxKeys: 5 });

describe('safetensors round trip', () => {
  it('decodes exactly what was encoded, with aligned offsets and a space-padded header', () => {
    fc.assert(
      fc.property(tensorsArb, fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), (tensors, metadata) => {
        const bytes = encodeSafetensors(tensors, metadata);
        const { length, text } = headerOf(bytes);
        expect(length % 8).toBe(0);
        expect(text.trimEnd().length).toBeGreaterThan(0);
        expect(text.slice(text.trimEnd().length)).toMatch(/^ {0,7}$/);
        const header = JSON.parse(text) as Record<string, { dtype: SafetensorsDtype; data_offsets: [number, number] }>;
        for (const [name, entry] of Object.entries(header)) {
          if (name !== '__metadata__') expect(entry.data_offsets[0] % ELEMENT_SIZE[entry.dtype]).toBe(0);
        }

        const decoded = decodeSafetensors(bytes);
        expect(decoded.metadata).toEqual({ ...metadata });
        expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(tensors).sort());
        for (const [name, tensor] of Object.entries(tensors)) {
          const out = decoded.tensors[name] as NamedTensor;
          expect(out.dtype).toBe(tensor.dtype);
          expect(out.shape).toEqual(tensor.shape);
          expect(out.data.constructor).toBe(tensor.data.constructor);
          expect(out.data.byteOffset).toBe(0);
          expect(bytesOf(out.data)).toEqual(bytesOf(tensor.data));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('treats "__proto__" as an ordinary tensor name', () => {
    const tensors = JSON.parse('{"__proto__": 0}') as Record<string, unknown>;
    tensors['__proto__'] = { dtype: 'U8', shape: [1], data: new Uint8Array([9]) };
    const { tensors: decoded } = decodeSafetensors(encodeSafetensors(tensors as Record<string, NamedTensor>));
    expect(Object.keys(decoded)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Array.from(decoded['__proto__']?.data as Uint8Array)).toEqual([9]);
  });

  it('copies data out of unaligned input so wide arrays are usable', () => {
    const bytes = encodeSafetensors({ x: { dtype: 'F64', shape: [2], data: new Float64Array([1.5, -3]) } });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const { tensors } = decodeSafetensors(shifted.subarray(3));
    expect(Array.from(tensors['x']?.data as Float64Array)).toEqual([1.5, -3]);
    shifted.fill(0);
    expect(Array.from(tensors['x']?.data as Float64Array)).toEqual([1.5, -3]);
  });

  it('omits __metadata__ when there is none and encodes an empty file as "{}" plus padding', () => {
    const bytes = encodeSafetensors({});
    expect(Array.from(bytes)).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]);
    expect(decodeSafetensors(bytes)).toEqual({ tensors: {}, metadata: {} });
  });
});

// Written by hand from the format description: u64 LE header length 136 (= 0x88), 132 bytes of
// JSON plus 4 spaces, then F32 [1, -2.5] (00 00 80 3f, 00 00 20 c0) and U8 [7, 255, 0].
const HEADER = '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}';
const TINY = new Uint8Array([
  0x88, 0, 0, 0, 0, 0, 0, 0,
  ...Array.from(HEADER, (c) => c.charCodeAt(0)), 0x20, 0x20, 0x20, 0x20,
  0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0,
  0x07, 0xff, 0x00,
]);

describe('hand-built file', () => {
  it('decodes byte-exactly', () => {
    expect(HEADER.length).toBe(132);
    const { tensors, metadata } = decodeSafetensors(TINY, 'tiny');
    expect(metadata).toEqual({ k: 'v' });
    expect(tensors['a']).toEqual({ dtype: 'F32', shape: [2], data: new Float32Array([1, -2.5]) });
    expect(tensors['b']).toEqual({ dtype: 'U8', shape: [3], data: new Uint8Array([7, 255, 0]) });
  });

  it('is exactly what the encoder writes', () => {
    const encoded = encodeSafetensors(
      { b: { dtype: 'U8', shape: [3], data: new Uint8Array([7, 255, 0]) }, a: { dtype: 'F32', shape: [2], data: new Float32Array([1, -2.5]) } },
      { k: 'v' },
    );
    expect(Array.from(encoded)).toEqual(Array.from(TINY));
  });
});

function file(header: unknown, data: number[] = [], headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function failure(bytes: Uint8Array): SafetensorsError {
  try {
    decodeSafetensors(bytes, 'model.safetensors');
  } catch (error) {
    if (error instanceof SafetensorsError) return error;
    throw error;
  }
  throw new Error('expected decodeSafetensors to throw');
}

const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
const eight = [0, 0, 0, 0, 0, 0, 0, 0];

describe('corrupt files', () => {
  const cases: [string, Uint8Array, string | undefined, RegExp][] = [
    ['too short', new Uint8Array([1, 0, 0]), undefined, /3 bytes, too short/],
    ['header past end of file', file({}, [], 1000), undefined, /header length 1000 exceeds the 2 bytes/],
    ['header length beyond 2^53', file({}, [], undefined).map((b, i) => (i === 7 ? 0xff : b)), undefined, /exceeds/],
    ['invalid JSON', file('{"a":'), undefined, /not valid UTF-8 JSON/],
    // Valid JSON once lossily decoded, so only a strict UTF-8 check can reject it.
    ['invalid UTF-8', file({ __metadata__: { k: '\xff' } }).map((b) => (b === 0xc3 ? 0xff : b)), undefined, /not valid UTF-8 JSON \(.*utf-8/i],
    ['header not an object', file([1, 2]), undefined, /not a JSON object/],
    ['malformed entry', file({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, [0, 0, 0, 0]), 'w', /malformed header entry \(shape\.0/],
    ['missing offsets', file({ w: { dtype: 'F32', shape: [1] } }, [0, 0, 0, 0]), 'w', /data_offsets/],
    ['unknown dtype', file({ w: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, [0, 0, 0, 0]), 'w', /unsupported dtype "BF16"/],
    ['offsets past buffer', file({ w: f32(0, 12) }, eight), 'w', /\[0, 12\] fall outside the 8-byte data buffer/],
    ['reversed offsets', file({ w: f32(8, 4, [1]) }, eight), 'w', /fall outside/],
    ['byte length mismatch', file({ w: f32(0, 8, [3]) }, eight), 'w', /holds 8 bytes but F32 \[3\] needs 12/],
    ['overlap', file({ a: f32(0, 8), b: f32(4, 8) }, eight), 'b', /overlap tensor "a"/],
    ['gap', file({ a: f32(0, 4), b: f32(8, 12) }, [...eight, 0, 0, 0, 0]), 'b', /starts at byte 8, leaving a gap after byte 4/],
    ['trailing bytes', file({ a: f32(0, 4) }, eight), undefined, /4 trailing bytes/],
    ['non-string metadata', file({ __metadata__: { step: 3 } }), undefined, /__metadata__ must map strings to strings/],
  ];
  for (const [label, bytes, tensor, message] of cases) {
    it(`rejects ${label}`, () => {
      const error = failure(bytes);
      expect(error.name).toBe('SafetensorsError');
      expect(error.source).toBe('model.safetensors');
      expect(error.tensor).toBe(tensor);
      expect(error.message).toMatch(/^model\.safetensors: /);
      if (tensor !== undefined) expect(error.message).toContain(`tensor "${tensor}"`);
      expect(error.message).toMatch(message);
      expect(error.hint).toBeTruthy();
    });
  }
});

describe('encode validation', () => {
  it('rejects inconsistent tensors', () => {
    const f = (t: unknown) => () => encodeSafetensors({ t: t as NamedTensor });
    expect(f({ dtype: 'F32', shape: [3], data: new Float32Array(2) })).toThrow(/tensor "t": shape \[3\] needs 3 elements but data has 2/);
    expect(f({ dtype: 'F32', shape: [2], data: new Float64Array(2) })).toThrow(/dtype F32 does not match its Float64Array/);
    expect(f({ dtype: 'F16', shape: [2], data: new Uint8Array(4) })).toThrow(/unsupported dtype "F16"/);
    expect(f({ dtype: 'U8', shape: [-1], data: new Uint8Array(0) })).toThrow(SafetensorsError);
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).toThrow(/reserved/);
    expect(() => encodeSafetensors({}, { step: 3 } as unknown as Record<string, string>)).toThrow(/metadata values must all be strings/);
  });
});
