/**
 * The journal of an unfinished evaluation: every finished episode is appended to
 * `<out>/episodes.journal.jsonl` as one line the moment it ends, so a run killed at any point
 * (even SIGKILL) resumes by skipping the (agent, persona, trial) episodes already there. A torn
 * last line is cut off on opening. Each row carries a fingerprint of the settings that shape its
 * episode (task, seed, model, agent, …) and its persona; a rerun with other settings is refused
 * rather than mixed in. The file is removed once the report is written, so a finished
 * evaluation's folder holds only its results.
 *
 * @example
 * const journal = await openJournal('runs/eval');
 * const store = journal.storeFor('naive', { task: 'travel', seed: 1000 });
 * await evaluateAgent(task, 'naive', factory, { episodes: 500, seed: 1000, store });
 * await writeReport(...); await journal.finish();
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { turnSchema } from '../data/dialogue.ts';
import { appendJsonl, readJsonl, repairJsonl } from '../data/jsonl.ts';
import { ReverieError } from '../errors.ts';
import { canonicalJson } from '../llm/cache.ts';
import { personaKey } from '../sim/personas.ts';
import type { EpisodeRecord, EpisodeStore } from './evaluate.ts';
import { llmEpisodeFactsSchema } from './llm/schemas.ts';

export const JOURNAL_FILE = 'episodes.journal.jsonl';

// JSON writes NaN and ±Infinity as null; a value agent's scores may hold them.
const looseNumber = z.number().nullable().transform((value) => value ?? Number.NaN);
const optionalNumber = z.number().nullish().transform((value) => value ?? undefined);

const stepSchema = z.object({
  text: z.string(),
  candidates: z
    .array(
      z.object({
        text: z.string(),
        score: looseNumber,
        q: optionalNumber,
        v: optionalNumber,
        advantage: optionalNumber,
        prior: optionalNumber,
        source: z.enum(['library', 'llm']).optional(),
      }),
    )
    .optional(),
});

export const journalRowSchema = z.object({
  agent: z.string(),
  fingerprint: z.string(),
  index: z.number().int().min(0),
  trial: z.number().int().min(0),
  persona: z.unknown(),
  episode: z.object({
    turns: z.array(turnSchema),
    steps: z.array(stepSchema),
    judgement: z.object({ reward: z.number(), success: z.boolean(), reason: z.string() }),
    ended: z.enum(['user', 'turn-limit']),
  }),
  llm: llmEpisodeFactsSchema.optional(),
});
type JournalRow = z.infer<typeof journalRowSchema>;

export class JournalMismatchError extends ReverieError {
  override readonly name = 'JournalMismatchError';
}

export type Journal = {
  file: string;
  /** Episodes served from the journal so far. */
  reused(): number;
  /** Finished episodes of `agent` evaluated with `settings`; throws when the journal holds them with other settings. */
  storeFor<P>(agent: string, settings: unknown): EpisodeStore<P>;
  /** The evaluation is reported: remove the journal. */
  finish(): Promise<void>;
};

export const settingsFingerprint = (settings: unknown): string => createHash('sha256').update(canonicalJson(settings)).digest('hex').slice(0, 16);

const mismatch = (file: string, what: string) =>
  new JournalMismatchError(`${file} holds an unfinished evaluation of ${what}`, {
    hint: 'Run again with the same settings to finish it, choose another --out folder, or delete the file to start over.',
  });

export const openJournal = async (directory: string): Promise<Journal> => {
  const file = join(directory, JOURNAL_FILE);
  const { kept } = await repairJsonl(file);
  const rows: JournalRow[] = kept === 0 ? [] : await readJsonl(file, journalRowSchema);
  const byKey = new Map(rows.map((row) => [`${row.agent}/${row.index}/${row.trial}`, row]));
  let reused = 0;
  // One append at a time, so concurrent episodes never interleave inside a line.
  let writing: Promise<void> = Promise.resolve();
  return {
    file,
    reused: () => reused,
    storeFor<P>(agent: string, settings: unknown): EpisodeStore<P> {
      const fingerprint = settingsFingerprint(settings);
      if (rows.some((row) => row.agent === agent && row.fingerprint !== fingerprint)) {
        throw mismatch(file, `agent "${agent}" with other settings (task, seed, split, model, temperature, agent definition or acting options differ)`);
      }
      return {
        get(index, trial, persona) {
          const row = byKey.get(`${agent}/${index}/${trial}`);
          if (row === undefined) return undefined;
          if (personaKey(row.persona) !== personaKey(persona)) throw mismatch(file, `agent "${agent}" whose persona ${index} differs from this run's`);
          reused += 1;
          const record: EpisodeRecord<P> = { index, trial, persona: row.persona as P, episode: row.episode };
          if (row.llm !== undefined) record.llm = row.llm;
          return record;
        },
        put(record) {
          const row = { agent, fingerprint, index: record.index, trial: record.trial, persona: record.persona, episode: record.episode, ...(record.llm === undefined ? {} : { llm: record.llm }) };
          writing = writing.then(() => appendJsonl(file, [row]));
          return writing;
        },
      };
    },
    finish: async () => {
      await writing;
      await rm(file, { force: true });
    },
  };
};
