/**
 * GPT-2's byte-level alphabet and pre-tokenisation. Every byte 0–255 gets one printable Unicode
 * character (printable Latin-1 bytes map to themselves, the rest to U+0100 onwards, so a space is
 * "Ġ"), which lets BPE work on strings while covering any byte sequence. Text is first cut into
 * pieces by GPT-2's regex (contractions, letter runs, digit runs, punctuation runs, whitespace),
 * and merges never cross piece boundaries.
 *
 * @example
 * preTokenize("Hello world's  end"); // ['Hello', ' world', "'s", ' ', ' end']
 * bytesToSymbols(new TextEncoder().encode(' é')); // 'ĠÃ©'
 */

function buildByteAlphabet(): string[] {
  const printable: number[] = [];
  const ranges: [number, number][] = [
    [0x21, 0x7e], // '!'..'~'
    [0xa1, 0xac], // '¡'..'¬'
    [0xae, 0xff], // '®'..'ÿ'
  ];
  for (const [from, to] of ranges) for (let b = from; b <= to; b++) printable.push(b);
  const chars = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    chars[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + shifted++);
  }
  return chars;
}

/** The character standing for each byte, indexed by byte value. */
export const BYTE_TO_CHAR: readonly string[] = buildByteAlphabet();

/** The inverse of BYTE_TO_CHAR. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((char, byte) => [char, byte]));

/**
 * GPT-2's pattern, with Unicode White_Space for \s as in the `regex` module GPT-2 used (JS's \s
 * also matches U+FEFF and misses U+0085). Contractions are case-sensitive, as in GPT-2.
 */
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/** Cuts text into GPT-2 pre-tokens; their concatenation is the input. */
export function preTokenize(text: string): string[] {
  return text.match(GPT2_SPLIT) ?? [];
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a piece, spelled in the byte alphabet. */
export function bytesToSymbols(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += BYTE_TO_CHAR[byte];
  return out;
}

export const textToSymbols = (text: string): string => bytesToSymbols(encoder.encode(text));

/** Bytes spelled by a byte-alphabet string; undefined if it holds a character outside the alphabet. */
export function symbolsToBytes(symbols: string): Uint8Array | undefined {
  const out = new Uint8Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    const byte = CHAR_TO_BYTE.get(symbols[i] as string);
    if (byte === undefined) return undefined;
    out[i] = byte;
  }
  return out;
}
