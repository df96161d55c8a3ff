/**
 * Value diagnostics of trained agents in a run folder: whether Q and the advantage rank the right
 * candidate above the others on the held-out test episodes the demo or `reverie eval` recorded
 * (see src/eval/value-diagnostics.ts); on a guessing task also whether they rank a guess that fits
 * every earlier answer above one those answers rule out.
 *
 * @example
 * node --import tsx bench/value-diagnostics.ts countries runs/demo/countries 100 ilql mc
 *
 * The third argument caps the episodes read per agent (the judge is asked about every candidate of
 * every turn, which takes minutes on 500 twenty-turn episodes).
 */
import { join } from 'node:path';
import { readJsonl } from '../src/data/jsonl.ts';
import { markdownTable } from '../src/eval/markdown.ts';
import { valueDiagnostics } from '../src/eval/value-diagnostics.ts';
import { loadBuiltInTask } from '../src/tasks/registry.ts';
import { z } from 'zod';

const [taskName = 'countries', folder = 'runs/demo', limit = '100', ...agents] = process.argv.slice(2);
const task = await loadBuiltInTask(taskName);
const turn = z.object({ role: z.enum(['user', 'agent']), text: z.string() });
const candidate = z.object({ text: z.string(), score: z.number(), q: z.number().optional(), v: z.number().optional(), advantage: z.number().optional(), prior: z.number().optional() });
const episode = z.object({ persona: z.unknown(), turns: z.array(turn), steps: z.array(z.object({ text: z.string(), candidates: z.array(candidate).optional() })) });
const rows: string[][] = [];
const guessRows: string[][] = [];
const review = task.reviewGuesses?.bind(task);
for (const agent of agents.length > 0 ? agents : ['ilql']) {
  const records = await readJsonl(join(folder, 'episodes', `${agent}.jsonl`), episode);
  const d = await valueDiagnostics((persona, turns) => task.judge(persona, turns), records.slice(0, Number(limit)), review);
  const f = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');
  rows.push([agent, String(d.turns), String(d.withoutRight), f(d.qRight), f(d.qOthers), f(d.advantageRight), f(d.advantageOthers), f(d.advantageGap), f(d.bestByAdvantage), f(d.bestByPrior), f(d.bestByScore)]);
  if (d.guesses !== undefined) {
    const g = d.guesses;
    guessRows.push([agent, String(g.turns), f(g.advantageFitting), f(g.advantageRuledOut), f(g.advantageGap), f(g.fittingBestByAdvantage), f(g.fittingBestByPrior)]);
  }
}
process.stdout.write(
  `${markdownTable(['agent', 'turns with a right candidate', 'turns without one', 'Q right', 'Q others', 'A right', 'A others', 'A gap', 'right best by A', 'by prior', 'by score'], rows)}\n`,
);
if (guessRows.length > 0) {
  process.stdout.write(
    `\nGuesses that fit every earlier answer against guesses the answers rule out, on turns that proposed both:\n\n${markdownTable(['agent', 'turns', 'A fitting', 'A ruled out', 'A gap', 'best guess by A fits', 'by prior'], guessRows)}\n`,
  );
}
