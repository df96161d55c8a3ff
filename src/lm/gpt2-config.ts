/**
 * The GPT-2 model configuration, with Hugging Face's `config.json` field names so a real GPT-2
 * folder's config parses as is. Unknown keys (dropout rates, task heads, tokenizer hints) are
 * accepted and dropped: this implementation trains without dropout and has only the LM head.
 *
 * @example
 * const config = parseGpt2Config(JSON.parse(await readFile('gpt2/config.json', 'utf8')), 'gpt2/config.json');
 * const tiny = tinyGpt2Config({ vocab_size: 2048 }); // for tests and CPU training
 */
import { z } from 'zod';
import { ReverieError } from '../errors.ts';

export class Gpt2ConfigError extends ReverieError {
  override readonly name = 'Gpt2ConfigError';
}

const positiveInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative().nullable().optional();

// The tanh approximation under its several Hugging Face names; they compute the same function.
const TANH_GELU = ['gelu_new', 'gelu_pytorch_tanh', 'gelu_fast'] as const;

export const gpt2ConfigSchema = z
  .object({
    model_type: z.literal('gpt2').default('gpt2'),
    vocab_size: positiveInt,
    n_positions: positiveInt,
    n_embd: positiveInt,
    n_layer: positiveInt,
    n_head: positiveInt,
    /** Width of the MLP's hidden layer; null means 4 × n_embd. */
    n_inner: positiveInt.nullable().default(null),
    layer_norm_epsilon: z.number().positive().default(1e-5),
    activation_function: z.enum(TANH_GELU).default('gelu_new'),
    scale_attn_weights: z.boolean().default(true),
    scale_attn_by_inverse_layer_idx: z.boolean().default(false),
    tie_word_embeddings: z.literal(true, { error: 'only tied input/output embeddings are supported (GPT-2 ties them)' }).default(true),
    bos_token_id: tokenId,
    eos_token_id: tokenId,
  })
  .refine((c) => c.n_embd % c.n_head === 0, { message: 'n_embd must be a multiple of n_head', path: ['n_head'] });

export type Gpt2Config = z.output<typeof gpt2ConfigSchema>;
export type Gpt2ConfigInput = z.input<typeof gpt2ConfigSchema>;

/** Validates a parsed config.json (or a hand-written object); `source` names it in errors. */
export function parseGpt2Config(raw: unknown, source = 'GPT-2 config'): Gpt2Config {
  const parsed = gpt2ConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new Gpt2ConfigError(`${source}: not a usable GPT-2 config (${problems})`, {
    hint: 'Fix config.json: it needs vocab_size, n_positions, n_embd, n_layer and n_head, n_embd divisible by n_head, and a tanh-approximate GELU.',
  });
}

/** A small config that trains on a CPU in seconds; override any field. */
export function tinyGpt2Config(overrides: Partial<Gpt2ConfigInput> = {}): Gpt2Config {
  return parseGpt2Config({ vocab_size: 512, n_positions: 64, n_embd: 32, n_layer: 2, n_head: 4, ...overrides }, 'tinyGpt2Config');
}

export const headSize = (config: Gpt2Config): number => config.n_embd / config.n_head;
export const innerSize = (config: Gpt2Config): number => config.n_inner ?? 4 * config.n_embd;

/**
 * The config.json that Hugging Face transformers loads as GPT2LMHeadModel. Dropout rates are
 * written as zero because the weights were trained (or will be run) without dropout here.
 */
export function gpt2ConfigToJson(config: Gpt2Config): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    ...config,
    model_type: 'gpt2',
    n_ctx: config.n_positions,
    attn_pdrop: 0,
    embd_pdrop: 0,
    resid_pdrop: 0,
    initializer_range: 0.02,
  };
}
