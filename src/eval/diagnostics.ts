/**
 * How agents behave, beyond whether they succeed: the share of their turns that repeat something
 * they already said in the same conversation, how many distinct ways they open, and, on guessing
 * tasks, the share of guesses that fit every earlier answer and that repeat a rejected guess, and
 * the share of questions about something the user already said they do not know. An
 * agent that follows one memorised branch opens the same way every time and guesses against the
 * answers; these numbers say so where success alone does not.
 *
 * @example
 * diagnose(result.episodes.map(({ episode }) => episode.turns), task.reviewGuesses)
 * // → { agentTurns: 4120, repeatedTurns: 0.02, openings: 500, distinctOpenings: 37, guesses: 900, guessFit: 0.91, repeatedGuesses: 0.01, questions: 3100, askedAgain: 0.04 }
 */
import type { Turn } from '../task/types.ts';
import { markdownTable } from './markdown.ts';
import { agentLabel } from './labels.ts';

export type Diagnostics = {
  agentTurns: number;
  /** Share of agent turns that say, word for word, what the agent already said in that conversation. */
  repeatedTurns: number;
  openings: number;
  /** How many different first agent turns the episodes had. */
  distinctOpenings: number;
  /** Guessing tasks only. */
  guesses?: number;
  /** Share of guesses that fit every answer the user gave before them. */
  guessFit?: number;
  /** Share of guesses naming an item the user had already rejected. */
  repeatedGuesses?: number;
  /** Agent turns that ask a question (guessing tasks that count them). */
  questions?: number;
  /** Share of those questions about an attribute the user had already said they do not know. */
  askedAgain?: number;
};

export type GuessReviewer = (turns: readonly Turn[]) => { guesses: number; fitting: number; repeated: number; questions?: number; askedAgain?: number };

const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

export const diagnose = (conversations: readonly (readonly Turn[])[], reviewGuesses?: GuessReviewer): Diagnostics => {
  let agentTurns = 0;
  let repeated = 0;
  const openings = new Set<string>();
  let opened = 0;
  let guesses = 0;
  let fitting = 0;
  let repeatedGuesses = 0;
  let questions: number | undefined;
  let askedAgain = 0;
  for (const turns of conversations) {
    const said = new Set<string>();
    for (const turn of turns) {
      if (turn.role !== 'agent') continue;
      const text = turn.text.trim();
      if (said.size === 0) {
        openings.add(text);
        opened += 1;
      }
      agentTurns += 1;
      if (said.has(text)) repeated += 1;
      said.add(text);
    }
    if (reviewGuesses === undefined) continue;
    const review = reviewGuesses(turns);
    guesses += review.guesses;
    fitting += review.fitting;
    repeatedGuesses += review.repeated;
    if (review.questions !== undefined) questions = (questions ?? 0) + review.questions;
    askedAgain += review.askedAgain ?? 0;
  }
  const base = { agentTurns, repeatedTurns: share(repeated, agentTurns), openings: opened, distinctOpenings: openings.size };
  if (reviewGuesses === undefined) return base;
  const guessing = { ...base, guesses, guessFit: share(fitting, guesses), repeatedGuesses: share(repeatedGuesses, guesses) };
  return questions === undefined ? guessing : { ...guessing, questions, askedAgain: share(askedAgain, questions) };
};

const percent = (value: number | undefined): string => (value === undefined ? '—' : `${(100 * value).toFixed(1)}%`);

type Row = { name: string; diagnostics?: Diagnostics | undefined };

/** Header and cells of the diagnostics table, for Markdown and HTML alike; guess columns only when some agent has them. */
export const diagnosticsCells = (rows: readonly Row[]): { header: string[]; cells: string[][] } | undefined => {
  const present = rows.filter((row) => row.diagnostics !== undefined);
  if (present.length === 0) return undefined;
  const guessing = present.some((row) => row.diagnostics?.guessFit !== undefined);
  const asking = present.some((row) => row.diagnostics?.askedAgain !== undefined);
  return {
    header: [
      'agent',
      'repeated turns',
      'distinct openings',
      ...(guessing ? ['guesses', 'guesses that fit every answer', 'repeated rejected guesses'] : []),
      ...(asking ? ['questions about what the user does not know'] : []),
    ],
    cells: present.map(({ name, diagnostics: d }) => [
      agentLabel(name),
      percent(d?.repeatedTurns),
      `${d?.distinctOpenings ?? 0} of ${d?.openings ?? 0}`,
      ...(guessing ? [String(d?.guesses ?? 0), percent(d?.guessFit), percent(d?.repeatedGuesses)] : []),
      ...(asking ? [percent(d?.askedAgain)] : []),
    ]),
  };
};

export const diagnosticsTable = (rows: readonly Row[]): string => {
  const table = diagnosticsCells(rows);
  return table === undefined ? '' : markdownTable(table.header, table.cells);
};

export const DIAGNOSTICS_NOTE =
  'Repeated turns: agent turns that say word for word what the agent already said in that conversation. Distinct openings: different first agent turns across the episodes. ' +
  'Guesses that fit: guesses of an item that every earlier answer allows and that was not already rejected. ' +
  'Questions about what the user does not know: questions about an attribute the user had already answered "not sure" to, in the same conversation.';
