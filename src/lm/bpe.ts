/**
 * A byte-level BPE tokenizer in GPT-2's scheme, read from and written to Hugging Face's
 * `vocab.json` + `merges.txt`, so a real GPT-2 folder's tokenizer works unchanged. Any string
 * encodes (every byte has a token) and decodes back. Added special tokens such as
 * `<|endoftext|>` or role markers (`<|user|>`, `<|agent|>`, `<|end|>`) encode as single ids
 * when they appear verbatim in the text, unless `allowSpecial: false`.
 *
 * @example
 * const tokenizer = ByteLevelBpe.fromFiles(vocabJson, mergesTxt, { specialTokens: ['<|user|>'] });
 * const ids = tokenizer.encode('<|user|>Hello there');
 * tokenizer.decode(ids);                  // '<|user|>Hello there'
 * tokenizer.specialTokenId('<|user|>');   // the role marker's id, for a dialogue formatter
 */
import { ReverieError } from '../errors.ts';
import { applyMerges } from './bpe-merge.ts';
import { BYTE_TO_CHAR, preTokenize, symbolsToBytes, textToSymbols } from './byte-unicode.ts';

export class BpeError extends ReverieError {
  override readonly name = 'BpeError';
}

export type BpeDefinition = {
  /** Token (in the byte alphabet) → id. */
  vocab: ReadonlyMap<string, number>;
  /** Merges in rank order: the first merge has the highest priority. */
  merges: readonly (readonly [string, string])[];
  /** Exact strings that encode as one id; missing ones get fresh ids after the vocabulary. */
  specialTokens?: readonly string[];
};

export type EncodeOptions = {
  /** Recognise special tokens in the text (default true). Pass false for untrusted text. */
  allowSpecial?: boolean;
};

const MERGES_HEADER = '#version: 0.2';
const CACHE_LIMIT = 50_000;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const utf8 = new TextEncoder();
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

export class ByteLevelBpe {
  private readonly vocab: Map<string, number>;
  private readonly tokens: (string | undefined)[] = [];
  private readonly ranks = new Map<string, number>();
  private readonly mergeList: (readonly [string, string])[];
  private readonly specials = new Map<string, number>();
  private readonly specialIds = new Set<number>();
  private readonly specialPattern: RegExp | undefined;
  private readonly cache = new Map<string, number[]>();

  constructor(definition: BpeDefinition) {
    this.vocab = new Map(definition.vocab);
    for (const [token, id] of this.vocab) this.setId(token, id);
    for (const byteChar of BYTE_TO_CHAR) {
      if (!this.vocab.has(byteChar)) throw this.invalid(`the vocabulary lacks the byte token ${JSON.stringify(byteChar)}`);
    }
    this.mergeList = definition.merges.map(([a, b]) => [a, b] as const);
    this.mergeList.forEach(([a, b], rank) => {
      if (!this.vocab.has(a + b)) throw this.invalid(`merge ${rank} ("${a} ${b}") makes ${JSON.stringify(a + b)}, which is not in the vocabulary`);
      if (!this.ranks.has(`${a} ${b}`)) this.ranks.set(`${a} ${b}`, rank);
    });
    for (const special of definition.specialTokens ?? []) {
      if (special.length === 0) throw this.invalid('a special token is the empty string');
      let id = this.vocab.get(special);
      if (id === undefined) {
        id = this.tokens.length;
        this.vocab.set(special, id);
        this.setId(special, id);
      }
      this.specials.set(special, id);
      this.specialIds.add(id);
    }
    // Longest first, so '<|end|>' cannot shadow a longer special that starts with it.
    const alternatives = [...this.specials.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.specialPattern = alternatives.length === 0 ? undefined : new RegExp(`(${alternatives.join('|')})`, 'u');
  }

  /** Parses Hugging Face `vocab.json` and `merges.txt` contents. */
  static fromFiles(vocabJson: string, mergesTxt: string, options: { specialTokens?: readonly string[] } = {}): ByteLevelBpe {
    return new ByteLevelBpe({ vocab: parseVocabJson(vocabJson), merges: parseMergesTxt(mergesTxt), specialTokens: options.specialTokens ?? [] });
  }

  /** The `vocab.json` and `merges.txt` contents that `fromFiles` reads back to this tokenizer. */
  toFiles(): { vocabJson: string; mergesTxt: string } {
    const ordered = [...this.vocab].sort((a, b) => a[1] - b[1]);
    const vocabJson = `${JSON.stringify(Object.fromEntries(ordered))}\n`;
    const mergesTxt = `${[MERGES_HEADER, ...this.mergeList.map(([a, b]) => `${a} ${b}`)].join('\n')}\n`;
    return { vocabJson, mergesTxt };
  }

  /** One past the largest id: the model's vocab_size must be at least this. */
  get vocabSize(): number {
    return this.tokens.length;
  }

  get merges(): readonly (readonly [string, string])[] {
    return this.mergeList;
  }

  /** Special token text → id, in registration order. */
  get specialTokens(): ReadonlyMap<string, number> {
    return this.specials;
  }

  /** The id of a registered special token; throws BpeError naming the known ones otherwise. */
  specialTokenId(text: string): number {
    const id = this.specials.get(text);
    if (id !== undefined) return id;
    throw new BpeError(`${JSON.stringify(text)} is not a special token of this tokenizer (known: ${[...this.specials.keys()].join(', ') || 'none'})`, {
      hint: 'Add it with tokenizer.withSpecialTokens([...]) (and grow the model vocabulary to match), or train with it in specialTokens.',
    });
  }

  isSpecialId(id: number): boolean {
    return this.specialIds.has(id);
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokens[id];
  }

  /** A tokenizer with `tokens` also registered as special (new ones get ids after the vocabulary). */
  withSpecialTokens(tokens: readonly string[]): ByteLevelBpe {
    return new ByteLevelBpe({ vocab: this.vocab, merges: this.mergeList, specialTokens: [...this.specials.keys(), ...tokens] });
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    const parts = options.allowSpecial === false || this.specialPattern === undefined ? [text] : text.split(this.specialPattern);
    // With a capturing split, odd indices are the special tokens themselves.
    parts.forEach((part, index) => {
      if (index % 2 === 1) ids.push(this.specials.get(part) as number);
      else for (const piece of preTokenize(part)) ids.push(...this.encodePiece(piece));
    });
    return ids;
  }

  /** The bytes the ids stand for (special tokens as their UTF-8 text). */
  decodeBytes(ids: Iterable<number>): Uint8Array {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (const id of ids) {
      const token = this.tokens[id];
      if (token === undefined) {
        throw new BpeError(`token id ${id} is not in this tokenizer's vocabulary (size ${this.vocabSize})`, {
          hint: 'Decode ids produced by this tokenizer, or a model whose vocab_size matches it.',
        });
      }
      const bytes = this.specialIds.has(id) ? utf8.encode(token) : (symbolsToBytes(token) ?? utf8.encode(token));
      chunks.push(bytes);
      total += bytes.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** Text for the ids; byte sequences that are not valid UTF-8 (a cut multi-byte char) become U+FFFD. */
  decode(ids: Iterable<number>): string {
    return lenientUtf8.decode(this.decodeBytes(ids));
  }

  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached !== undefined) return cached;
    const symbols = applyMerges([...textToSymbols(piece)], (a, b) => this.ranks.get(`${a} ${b}`));
    const ids = symbols.map((symbol) => this.vocab.get(symbol) as number);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(piece, ids);
    return ids;
  }

  private setId(token: string, id: number): void {
    if (!Number.isInteger(id) || id < 0) throw this.invalid(`token ${JSON.stringify(token)} has id ${id}, not a non-negative integer`);
    const holder = this.tokens[id];
    if (holder !== undefined && holder !== token) throw this.invalid(`tokens ${JSON.stringify(holder)} and ${JSON.stringify(token)} share id ${id}`);
    this.tokens[id] = token;
  }

  private invalid(problem: string): BpeError {
    return new BpeError(`invalid BPE tokenizer: ${problem}`, {
      hint: 'Use a matching vocab.json and merges.txt from a byte-level BPE (GPT-2 style) tokenizer, or retrain with trainBpe.',
    });
  }
}

/** Parses `vocab.json`: an object of token → id. */
export function parseVocabJson(text: string, source = 'vocab.json'): Map<string, number> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new BpeError(`${source}: not valid JSON`, { hint: 'Restore vocab.json from the model folder it came with.', cause });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BpeError(`${source}: expected an object of token → id`, { hint: 'Restore vocab.json from the model folder it came with.' });
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(raw)) {
    if (typeof id !== 'number') throw new BpeError(`${source}: token ${JSON.stringify(token)} maps to ${JSON.stringify(id)}, not a number`, { hint: 'Restore vocab.json from the model folder it came with.' });
    vocab.set(token, id);
  }
  return vocab;
}

/** Parses `merges.txt`: an optional `#version` line, then one "left right" pair per line. */
export function parseMergesTxt(text: string, source = 'merges.txt'): [string, string][] {
  const merges: [string, string][] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '' || (index === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new BpeError(`${source}: line ${index + 1} (${JSON.stringify(line)}) is not two tokens separated by one space`, {
        hint: 'Restore merges.txt from the model folder it came with.',
      });
    }
    merges.push([parts[0] as string, parts[1] as string]);
  });
  return merges;
}
