/**
 * Does Q rank the right candidate? For every agent turn that weighed candidates (ILQL, MC) and
 * where some candidate would have won the episode outright — the judge, asked about the
 * conversation so far plus that candidate, calls it a success — and some would not: the right
 * candidates' mean Q and advantage against the others', how often the right one scored best by
 * advantage, by prior and by the combined score, and how often it was chosen. On a guessing task
 * the right candidate is the hidden item's guess, so this says whether Q can tell it from a guess
 * the answers rule out.
 *
 * @example
 * const report = await valueDiagnostics(task, records); // records from evaluate(), or episodes/ilql.jsonl
 * report.advantageGap // mean A(right) − mean A(others), over the turns counted
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
};

type Record = { persona: unknown; turns: readonly Turn[]; steps: readonly AgentStep[] };

const mean = (values: readonly number[]): number => (values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length);
const best = (values: readonly number[]): number => values.reduce((top, value, at) => (value > (values[top] ?? -Infinity) ? at : top), 0);

export const valueDiagnostics = async (judge: (persona: unknown, turns: readonly Turn[]) => Promise<Judgement>, records: readonly Record[]): Promise<ValueDiagnostics> => {
  const rows: { qRight: number; qOthers: number; aRight: number; aOthers: number; byAdvantage: boolean; byPrior: boolean; byScore: boolean }[] = [];
  let withoutRight = 0;
  for (const record of records) {
    const agentAt = record.turns.flatMap((turn, at) => (turn.role === 'agent' ? [at] : []));
    for (const [i, step] of record.steps.entries()) {
      const candidates = step.candidates?.filter((candidate) => candidate.q !== undefined && candidate.advantage !== undefined) ?? [];
      if (candidates.length < 2) continue;
      const before = record.turns.slice(0, agentAt[i] ?? record.turns.length);
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
  };
};
