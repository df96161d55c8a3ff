/**
 * A careful guesser written by hand for a guessing catalog, a reference for what reading the
 * answers can reach without knowing the item: it always asks the yes/no question that best halves
 * the items the answers still allow, and guesses one of them once `--guess-at` or fewer remain (or
 * the user warns it is their last turn). It reads the conversation the way the data's agents do
 * (tasks/catalog/guess/knowledge.ts), so it is the data's `split-questions` agent made consistent.
 * Evaluated on the demo's 500 test personas (evaluation seed 1000).
 *
 * @example
 * node --import tsx bench/guessing-reference.ts --guess-at 1,2,3
 * node --import tsx bench/guessing-reference.ts --catalog my-catalog.yaml
 */
import { parseArgs } from 'node:util';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import type { AgentFactory } from '../src/task/types.ts';
import { guessText } from '../src/tasks/catalog/guess/agents.ts';
import { askables, readKnowledge, splitCost } from '../src/tasks/catalog/guess/knowledge.ts';
import type { GuessingPersona } from '../src/tasks/catalog/guess/persona.ts';
import { loadCatalogFile } from '../src/tasks/catalog/load.ts';
import { guessingTask } from '../src/tasks/catalog/task.ts';
import { countriesCatalogFile } from '../src/tasks/countries/index.ts';

const { values: flags } = parseArgs({ options: { catalog: { type: 'string', default: countriesCatalogFile }, 'guess-at': { type: 'string', default: '1,2,3' }, episodes: { type: 'string', default: '500' } } });

const catalog = await loadCatalogFile(flags.catalog);
if (catalog.family !== 'guessing') throw new Error(`${flags.catalog} is not a guessing catalog`);
const task = guessingTask(catalog);
const questions = askables(catalog);
const position = new Map(catalog.items.map((item, at) => [item, at]));

const careful = (guessAt: number): AgentFactory<GuessingPersona> => ({ rng }) => ({
  name: 'careful',
  act: async (turns) => {
    const knowledge = readKnowledge(catalog, turns);
    const left = knowledge.candidates.length > 0 ? knowledge.candidates : catalog.items;
    const unasked = questions.filter((question) => !knowledge.asked.has(question.key));
    const positions = left.map((item) => position.get(item) ?? -1);
    const best = (unasked.length > 0 ? unasked : questions).map((question) => ({ question, cost: splitCost(question, positions) })).reduce((a, b) => (b.cost < a.cost ? b : a));
    // No question splits what is left (cost 1): guessing is all that remains.
    const guess = left.length <= guessAt || knowledge.lastChance || best.cost >= 1;
    return { text: guess ? guessText(catalog, rng, rng.pick(left)) : best.question.say(rng) };
  },
});

const f = (x: number) => x.toFixed(3);
for (const guessAt of flags['guess-at'].split(',').map(Number)) {
  const result = await evaluateAgent(task, 'careful', careful(guessAt), { episodes: Number(flags.episodes), seed: 1000, split: 'test' });
  process.stdout.write(`careful guesser, guessing at ${guessAt} left: success ${f(result.success.mean)} [${f(result.success.low)}, ${f(result.success.high)}], reward ${f(result.reward.mean)}, ${result.turns.toFixed(2)} turns\n`);
}
