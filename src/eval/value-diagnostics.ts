/**
 * Does Q rank the right candidate? For every agent turn that weighed candidates (ILQL, MC) and
 * where some candidate would have won the episode outright — the judge, asked about the
 * conversation so far plus that candidate, calls it a success — and some would not: the right
 * candidates' mean Q and advantage against the others', how often the right one scored best by
 * advantage, by prior and by the combined score, and how often it was chosen. On a guessing task
 * the right candidate is the hidden item's guess.
 *
 * The right guess is often one of several that fit every answer so far, and nothing in the state
 * can tell those apart: Q that knows what the answers say still gives them one value. So, given a
 * task's guess review, the same figures are also reported for guesses that fit every earlier
 * answer against guesses those answers rule out, which Q can and should tell apart.
 *
 * @example
 * const report = await valueDiagnostics((persona, turns) => task.judge(persona, turns), records, task.reviewGuesses?.bind(task)); // records from evaluate(), or episodes/ilql.jsonl
 * report.advantageGap // mean A(right) − mean A(others), over the turns counted
 * report.guesses?.advantageGap // mean A(fitting guesses) − mean A(ruled-out guesses)
 */
import type { AgentStep, Judgement, Turn } from '../task/types.ts';

export type ValueDiagnostics = {
  /** Agent turns with candidates, some right and some not. */
  turns: number;
  /** Agent turns with candidates but none right (the right one was not proposed). */
  withoutRight: number;
  qRight: number;
  qOthers: number;
  advantageRight: number;
  advantageOthers: number;
  /** advantageRight − advantageOthers, averaged per turn. */
  advantageGap: number;
  /** Share of counted turns where a right candidate has the highest advantage / prior / score. */
  bestByAdvantage: number;
  bestByPrior: number;
  bestByScore: number;
  /** With a guess review: the fitting against ruled-out guesses, over turns that proposed both. */
  guesses?: GuessDiagnostics;
};

export type GuessDiagnostics = {
  turns: number;
  advantageFitting: number;
  advantageRuledOut: number;
  /** advantageFitting − advantageRuledOut, averaged per turn. */
  advantageGap: number;
  /** Share of turns where the guess with the highest advantage / prior fits every answer. */
  fittingBestByAdvantage: number;
  fittingBestByPrior: number;
};

/** How many guesses a conversation holds and how many fit every answer before them (a task's reviewGuesses). */
export type GuessReviewer = (turns: readonly Turn[]) => { guesses: number; fitting: number };

type Record = { persona: unknown; turns: readonly Turn[]; steps: readonly AgentStep[] };

const mean = (values: readonly number[]): number => (values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length);
const best = (values: readonly number[]): number => values.reduce((top, value, at) => (value > (values[top] ?? -Infinity) ? at : top), 0);

type Candidate = NonNullable<AgentStep['candidates']>[number];
type GuessRow = { aFitting: number; aRuledOut: number; byAdvantage: boolean; byPrior: boolean };

/** The candidates that are guesses, each marked fitting or ruled out; undefined unless both kinds are there. */
const guessRow = (review: GuessReviewer, before: readonly Turn[], candidates: readonly Candidate[]): GuessRow | undefined => {
  const earlier = review(before);
  const guesses = candidates.flatMap((candidate) => {
    const after = review([...before, { role: 'agent', text: candidate.text }]);
    return after.guesses > earlier.guesses ? [{ candidate, fits: after.fitting > earlier.fitting }] : [];
  });
  const fitting = guesses.filter((guess) => guess.fits).map((guess) => guess.candidate);
  const ruledOut = guesses.filter((guess) => !guess.fits).map((guess) => guess.candidate);
  if (fitting.length === 0 || ruledOut.length === 0) return undefined;
  const fitsBestBy = (of: (candidate: Candidate) => number) => guesses[best(guesses.map((guess) => of(guess.candidate)))]?.fits === true;
  return {
    aFitting: mean(fitting.map((c) => c.advantage ?? 0)),
    aRuledOut: mean(ruledOut.map((c) => c.advantage ?? 0)),
    byAdvantage: fitsBestBy((c) => c.advantage ?? 0),
    byPrior: fitsBestBy((c) => c.prior ?? 0),
  };
};

const summariseGuesses = (rows: readonly GuessRow[]): GuessDiagnostics => ({
  turns: rows.length,
  advantageFitting: mean(rows.map((row) => row.aFitting)),
  advantageRuledOut: mean(rows.map((row) => row.aRuledOut)),
  advantageGap: mean(rows.map((row) => row.aFitting - row.aRuledOut)),
  fittingBestByAdvantage: mean(rows.map((row) => (row.byAdvantage ? 1 : 0))),
  fittingBestByPrior: mean(rows.map((row) => (row.byPrior ? 1 : 0))),
});

export const valueDiagnostics = async (
  judge: (persona: unknown, turns: readonly Turn[]) => Promise<Judgement>,
  records: readonly Record[],
  review?: GuessReviewer,
): Promise<ValueDiagnostics> => {
  const guessRows: GuessRow[] = [];
  const rows: { qRight: number; qOthers: number; aRight: number; aOthers: number; byAdvantage: boolean; byPrior: boolean; byScore: boolean }[] = [];
  let withoutRight = 0;
  for (const record of records) {
    const agentAt = record.turns.flatMap((turn, at) => (turn.role === 'agent' ? [at] : []));
    for (const [i, step] of record.steps.entries()) {
      const candidates = step.candidates?.filter((candidate) => candidate.q !== undefined && candidate.advantage !== undefined) ?? [];
      if (candidates.length < 2) continue;
      const before = record.turns.slice(0, agentAt[i] ?? record.turns.length);
      const guesses = review === undefined ? undefined : guessRow(review, before, candidates);
      if (guesses !== undefined) guessRows.push(guesses);
      const right = await Promise.all(candidates.map(async (candidate) => (await judge(record.persona, [...before, { role: 'agent', text: candidate.text }])).success));
      if (!right.includes(true)) {
        withoutRight += 1;
        continue;
      }
      if (!right.includes(false)) continue;
      const pick = <T>(want: boolean, of: (candidate: (typeof candidates)[number]) => T) => candidates.filter((_, at) => right[at] === want).map(of);
      rows.push({
        qRight: mean(pick(true, (c) => c.q ?? 0)),
        qOthers: mean(pick(false, (c) => c.q ?? 0)),
        aRight: mean(pick(true, (c) => c.advantage ?? 0)),
        aOthers: mean(pick(false, (c) => c.advantage ?? 0)),
        byAdvantage: right[best(candidates.map((c) => c.advantage ?? 0))] === true,
        byPrior: right[best(candidates.map((c) => c.prior ?? 0))] === true,
        byScore: right[best(candidates.map((c) => c.score))] === true,
      });
    }
  }
  const share = (test: (row: (typeof rows)[number]) => boolean) => (rows.length === 0 ? NaN : rows.filter(test).length / rows.length);
  return {
    turns: rows.length,
    withoutRight,
    qRight: mean(rows.map((row) => row.qRight)),
    qOthers: mean(rows.map((row) => row.qOthers)),
    advantageRight: mean(rows.map((row) => row.aRight)),
    advantageOthers: mean(rows.map((row) => row.aOthers)),
    advantageGap: mean(rows.map((row) => row.aRight - row.aOthers)),
    bestByAdvantage: share((row) => row.byAdvantage),
    bestByPrior: share((row) => row.byPrior),
    bestByScore: share((row) => row.byScore),
    ...(review === undefined ? {} : { guesses: summariseGuesses(guessRows) }),
  };
};
