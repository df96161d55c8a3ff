/**
 * The careful volunteer of bench/persuasion-careful.ts (with `--ask-worries`, asking about worries
 * before reassuring), evaluated on the demo's 500 test personas (evaluation seed 1000): what reading
 * the donor reaches without knowing the persona.
 *
 * @example
 * node --import tsx bench/persuasion-reference.ts
 */
import { parseArgs } from 'node:util';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import { loadPersuasionTask } from '../src/tasks/persuasion/index.ts';
import { carefulVolunteer } from './persuasion-careful.ts';

const { values: flags } = parseArgs({ options: { 'ask-worries': { type: 'boolean', default: false }, episodes: { type: 'string', default: '500' } } });

const task = await loadPersuasionTask();
const result = await evaluateAgent(task, 'careful', carefulVolunteer(flags['ask-worries']), { episodes: Number(flags.episodes), seed: 1000, split: 'test' });
const f = (x: number) => x.toFixed(3);
process.stdout.write(`careful volunteer${flags['ask-worries'] ? ', asking about worries first' : ''}: success ${f(result.success.mean)} [${f(result.success.low)}, ${f(result.success.high)}], reward ${f(result.reward.mean)}, ${result.turns.toFixed(2)} turns\n`);
