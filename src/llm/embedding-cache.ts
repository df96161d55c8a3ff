/**
 * Disk cache of embedding vectors, one JSON file per (provider, model, dimensions, text) at
 * `<dir>/<first two hex>/<sha256>.json`, written atomically. A file that is unreadable, holds
 * another key or a vector that is not all finite numbers is a miss, replaced by the next call.
 *
 * @example
 * const cache = createEmbeddingCache('.reverie-cache/embeddings', { provider: 'openai', model: 'text-embedding-3-small' });
 * const hit = await cache.get('Hello'); if (!hit) await cache.set('Hello', vector);
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { canonicalJson } from './cache.ts';

const CACHE_FORMAT = 1;

const Entry = z.object({ format: z.literal(CACHE_FORMAT), key: z.string(), embedding: z.array(z.number().finite()).min(1) });

export type EmbeddingCache = {
  get(text: string): Promise<number[] | undefined>;
  set(text: string, embedding: readonly number[]): Promise<void>;
};

export function createEmbeddingCache(dir: string, model: { provider: string; model: string; dimensions?: number | undefined }): EmbeddingCache {
  const keyOf = (text: string): string => createHash('sha256').update(canonicalJson({ format: CACHE_FORMAT, kind: 'embedding', ...model, text })).digest('hex');
  const pathOf = (key: string): string => join(dir, key.slice(0, 2), `${key}.json`);
  return {
    async get(text) {
      const key = keyOf(text);
      let raw: string;
      try {
        raw = await readFile(pathOf(key), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return undefined;
      }
      const parsed = Entry.safeParse(json);
      return parsed.success && parsed.data.key === key ? parsed.data.embedding : undefined;
    },
    async set(text, embedding) {
      const key = keyOf(text);
      await writeFileAtomic(pathOf(key), `${JSON.stringify({ format: CACHE_FORMAT, key, embedding })}\n`);
    },
  };
}
