/**
 * A dataset's dialogues for the web page to browse, a page at a time, optionally only the
 * successes or the failures. The file is read once at start; the query is checked with zod.
 *
 * @example
 * const browse = await loadDialogues('runs/demo/dialogues.jsonl');
 * browse.page(new URLSearchParams('offset=20&limit=20&outcome=success'));
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { dialogueSchema } from '../data/dialogue.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { readJsonl } from '../data/jsonl.ts';
import { ServeError } from './errors.ts';

const querySchema = z
  .object({
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    outcome: z.enum(['all', 'success', 'failure']).default('all'),
  })
  .strict();

export type DialoguePage = {
  /** The file's name only: where it lives on the server is none of the client's business. */
  file: string;
  total: number;
  offset: number;
  limit: number;
  /** Over the whole file, whatever the filter. */
  summary: { dialogues: number; successRate: number; meanReward: number };
  dialogues: Dialogue[];
};

export type DialogueBrowser = { file: string; count: number; page(query: URLSearchParams): DialoguePage };

export const browseDialogues = (file: string, dialogues: readonly Dialogue[]): DialogueBrowser => {
  const n = Math.max(1, dialogues.length);
  const summary = {
    dialogues: dialogues.length,
    successRate: dialogues.filter((dialogue) => dialogue.success).length / n,
    meanReward: dialogues.reduce((sum, dialogue) => sum + dialogue.reward, 0) / n,
  };
  const byOutcome = {
    all: dialogues,
    success: dialogues.filter((dialogue) => dialogue.success),
    failure: dialogues.filter((dialogue) => !dialogue.success),
  };
  return {
    file,
    count: dialogues.length,
    page: (query) => {
      const parsed = querySchema.safeParse(Object.fromEntries(query));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const keys = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
        const param = issue?.path.map(String).join('.') ?? '';
        throw new ServeError(400, `Invalid query: ${param === '' ? '' : `${param}: `}${issue?.message ?? 'invalid'}${keys}. Use offset, limit (1–100) and outcome (all, success, failure).`, {
          code: 'invalid_value',
          ...(param === '' ? {} : { param }),
        });
      }
      const { offset, limit, outcome } = parsed.data;
      const selected = byOutcome[outcome];
      return { file: basename(file), total: selected.length, offset, limit, summary, dialogues: selected.slice(offset, offset + limit) };
    },
  };
};

export const loadDialogues = async (file: string): Promise<DialogueBrowser> => browseDialogues(file, await readJsonl(file, dialogueSchema));
