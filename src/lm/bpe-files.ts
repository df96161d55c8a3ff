/**
 * Tokenizer files in a Hugging Face model folder: `vocab.json` and `merges.txt` hold the BPE,
 * `tokenizer_config.json` (its `added_tokens_decoder`) and `added_tokens.json` say which tokens
 * are special and which ids they have. Writing produces files that transformers' GPT2Tokenizer
 * loads, with the same ids.
 *
 * @example
 * const tokenizer = await loadBpeFolder('models/gpt2');  // <|endoftext|> is special
 * await saveBpeFolder('runs/7/model', tokenizer, { modelMaxLength: 256 });
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReverieError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { ByteLevelBpe, parseMergesTxt, parseVocabJson } from './bpe.ts';

export class TokenizerFolderError extends ReverieError {
  override readonly name = 'TokenizerFolderError';
}

const END_OF_TEXT = '<|endoftext|>';

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TokenizerFolderError(`${file}: cannot read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, { hint: 'Check the file permissions.', cause });
  }
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new TokenizerFolderError(`${file}: not a JSON object`, { hint: `Fix or delete ${file}; it is optional.` });
}

/** Special tokens (text → id) declared by tokenizer_config.json and added_tokens.json, if present. */
async function declaredSpecials(folder: string): Promise<Map<string, number | undefined>> {
  const specials = new Map<string, number | undefined>();
  const configFile = join(folder, 'tokenizer_config.json');
  const configText = await readText(configFile);
  const decoder = configText === undefined ? undefined : parseJsonObject(configText, configFile)['added_tokens_decoder'];
  if (typeof decoder === 'object' && decoder !== null) {
    for (const [id, entry] of Object.entries(decoder as Record<string, { content?: unknown; special?: unknown }>)) {
      if (typeof entry.content === 'string' && entry.special === true) specials.set(entry.content, Number(id));
    }
  }
  const addedFile = join(folder, 'added_tokens.json');
  const addedText = await readText(addedFile);
  if (addedText !== undefined) {
    for (const [content, id] of Object.entries(parseJsonObject(addedText, addedFile))) {
      if (typeof id === 'number' && !specials.has(content)) specials.set(content, id);
    }
  }
  return specials;
}

/** True when the folder has vocab.json or merges.txt (loading then needs both). */
export async function hasBpeFiles(folder: string): Promise<boolean> {
  const [vocab, merges] = await Promise.all([readText(join(folder, 'vocab.json')), readText(join(folder, 'merges.txt'))]);
  return vocab !== undefined || merges !== undefined;
}

/**
 * Reads a GPT-2 style tokenizer. Special: tokens the folder declares special, `<|endoftext|>`
 * when the vocabulary has it (as GPT2Tokenizer does), and `options.specialTokens`.
 */
export async function loadBpeFolder(folder: string, options: { specialTokens?: readonly string[] } = {}): Promise<ByteLevelBpe> {
  const vocabFile = join(folder, 'vocab.json');
  const mergesFile = join(folder, 'merges.txt');
  const [vocabText, mergesText] = await Promise.all([readText(vocabFile), readText(mergesFile)]);
  for (const [file, text] of [[vocabFile, vocabText], [mergesFile, mergesText]] as const) {
    if (text === undefined) {
      throw new TokenizerFolderError(`${file} is missing`, {
        hint: 'A byte-level BPE tokenizer needs vocab.json and merges.txt side by side; copy both from the model you use (tokenizer.json alone is not read).',
      });
    }
  }
  const vocab = parseVocabJson(vocabText as string, vocabFile);
  const specials = await declaredSpecials(folder);
  for (const [content, id] of specials) if (id !== undefined && !vocab.has(content)) vocab.set(content, id);
  if (vocab.has(END_OF_TEXT) && !specials.has(END_OF_TEXT)) specials.set(END_OF_TEXT, vocab.get(END_OF_TEXT));
  const ordered = [...specials.keys()].sort((a, b) => (vocab.get(a) ?? Infinity) - (vocab.get(b) ?? Infinity));
  return new ByteLevelBpe({ vocab, merges: parseMergesTxt(mergesText as string, mergesFile), specialTokens: [...ordered, ...(options.specialTokens ?? [])] });
}

/** Writes vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json atomically, one by one. */
export async function saveBpeFolder(folder: string, tokenizer: ByteLevelBpe, options: { modelMaxLength?: number } = {}): Promise<void> {
  const { vocabJson, mergesTxt } = tokenizer.toFiles();
  const specials = [...tokenizer.specialTokens];
  const addedTokensDecoder = Object.fromEntries(
    specials.map(([content, id]) => [String(id), { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]),
  );
  const endOfText = tokenizer.specialTokens.has(END_OF_TEXT) ? { bos_token: END_OF_TEXT, eos_token: END_OF_TEXT, unk_token: END_OF_TEXT } : {};
  const additional = specials.map(([content]) => content).filter((content) => content !== END_OF_TEXT);
  const config = {
    tokenizer_class: 'GPT2Tokenizer',
    add_prefix_space: false,
    errors: 'replace',
    ...(options.modelMaxLength === undefined ? {} : { model_max_length: options.modelMaxLength }),
    ...endOfText,
    ...(additional.length > 0 ? { additional_special_tokens: additional } : {}),
    added_tokens_decoder: addedTokensDecoder,
  };
  const specialMap = { ...endOfText, ...(additional.length > 0 ? { additional_special_tokens: additional } : {}) };
  await writeFileAtomic(join(folder, 'vocab.json'), vocabJson);
  await writeFileAtomic(join(folder, 'merges.txt'), mergesTxt);
  await writeFileAtomic(join(folder, 'tokenizer_config.json'), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(join(folder, 'special_tokens_map.json'), `${JSON.stringify(specialMap, null, 2)}\n`);
}
