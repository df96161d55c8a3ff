/**
 * Disk cache of validated completions, so a rerun (or a resumed imagination job) does not pay
 * for the same answer twice. One JSON file per entry at `<dir>/<first two hex>/<sha256>.json`,
 * written atomically; a file that is unreadable or does not match the entry schema is a miss and
 * is overwritten by the next successful call.
 *
 * The key is the sha256 of the canonical JSON of exactly what changes the answer:
 * provider, model, messages, temperature, maxTokens, seed and the schema (name + JSON Schema).
 * Not in it: the base URL (the same model name on another host or port is taken to be the same
 * model, so moving a server keeps its cache — use another cache folder if it is not), API key,
 * timeout, concurrency, retries and purpose.
 *
 * @example
 * const cache = createCompletionCache('runs/x/llm-cache');
 * const key = completionCacheKey({ provider: 'openai', model: 'gpt-4o-mini', messages, temperature: 1 });
 * const hit = await cache.get(key); if (!hit) await cache.set(key, entry);
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { Provider } from './model-ref.ts';

/** Bump when the key material or entry format changes, so old entries stop matching. */
const CACHE_FORMAT = 1;

export type CacheKeyInput = {
  provider: Provider;
  model: string;
  messages: readonly { role: string; content: string }[];
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  seed?: number | undefined;
  schema?: { name: string; jsonSchema: unknown } | undefined;
};

const CacheEntry = z.object({
  format: z.literal(CACHE_FORMAT),
  key: z.string(),
  model: z.string(),
  text: z.string(),
  truncated: z.boolean(),
  usage: z.object({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() }),
  createdAt: z.string(),
});
export type CacheEntry = z.infer<typeof CacheEntry>;

export type CompletionCache = {
  /** The entry, or undefined when absent or unreadable. */
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, entry: Omit<CacheEntry, 'format' | 'key' | 'createdAt'>): Promise<void>;
  /** Where the entry for `key` lives (for tests and debugging). */
  pathOf(key: string): string;
};

/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so equal values
 * always give equal text. Non-finite numbers become null, as in JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
}

export function completionCacheKey(input: CacheKeyInput): string {
  const material = {
    format: CACHE_FORMAT,
    provider: input.provider,
    model: input.model,
    // Only role and content: extra fields a caller left on message objects must not split the cache.
    messages: input.messages.map((message) => ({ role: message.role, content: message.content })),
    temperature: input.temperature,
    maxTokens: input.maxTokens,
    seed: input.seed,
    schema: input.schema,
  };
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}

export function createCompletionCache(dir: string): CompletionCache {
  const pathOf = (key: string): string => join(dir, key.slice(0, 2), `${key}.json`);
  return {
    pathOf,
    async get(key) {
      let text: string;
      try {
        text = await readFile(pathOf(key), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return undefined; // torn or hand-edited: a miss, replaced on the next success
      }
      const parsed = CacheEntry.safeParse(json);
      // A key mismatch means the file was copied or renamed by hand; trust neither.
      return parsed.success && parsed.data.key === key ? parsed.data : undefined;
    },
    async set(key, entry) {
      const full: CacheEntry = { format: CACHE_FORMAT, key, ...entry, createdAt: new Date().toISOString() };
      await writeFileAtomic(pathOf(key), `${JSON.stringify(full)}\n`);
    },
  };
}
