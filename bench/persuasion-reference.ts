/**
 * A careful volunteer written by hand for `persuasion`, a reference for what reading the donor can
 * reach without knowing the persona. It says only utterances the data's agents say, one per turn,
 * as the learned agents do: it asks what matters; if the answer is vague it asks about each value
 * in turn; it argues from the value it heard; it reassures about overheads (or first asks about
 * worries, with `--ask-worries`); it asks for the pledge, at once when the donor says they have a
 * minute left. Evaluated on the demo's 500 test personas (evaluation seed 1000).
 *
 * @example
 * node --import tsx bench/persuasion-reference.ts
 */
import { parseArgs } from 'node:util';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import type { AgentFactory, Turn } from '../src/task/types.ts';
import { argue } from '../src/tasks/persuasion/agents.ts';
import { loadPersuasionTask } from '../src/tasks/persuasion/index.ts';
import { concernQuestions, donorValues, pledgeAsks, specificQuestions, trustArguments, valueQuestions, valuesIn } from '../src/tasks/persuasion/pitch.ts';
import type { DonorValue } from '../src/tasks/persuasion/pitch.ts';
import type { PersuasionPersona } from '../src/tasks/persuasion/persona.ts';
import { plannedAgent } from '../src/tasks/scripted.ts';

const { values: flags } = parseArgs({ options: { 'ask-worries': { type: 'boolean', default: false }, episodes: { type: 'string', default: '500' } } });

const careful: AgentFactory<PersuasionPersona> = ({ rng }) => {
  let value: DonorValue | undefined;
  const unasked = [...donorValues];
  let stage: 'open' | 'heard' | 'probing' | 'argued' | 'asked worries' | 'reassured' = 'open';
  return plannedAgent('careful', (turns: readonly Turn[]) => {
    const last = turns.filter((turn) => turn.role === 'user').at(-1)?.text ?? '';
    if (/minute left/i.test(last)) return pledgeAsks[0] as string;
    if (stage === 'open') {
      stage = 'heard';
      return valueQuestions[0] as string;
    }
    if (stage === 'heard' || stage === 'probing') {
      if (stage === 'heard') value = valuesIn(last)[0];
      else if (/matters a lot/i.test(last)) value = unasked.shift();
      else unasked.shift();
      if (value === undefined && unasked.length > 0) {
        stage = 'probing';
        return specificQuestions[unasked[0] as DonorValue];
      }
      stage = 'argued';
      return argue(rng, value ?? rng.pick(donorValues));
    }
    if (stage === 'argued') {
      stage = flags['ask-worries'] ? 'asked worries' : 'reassured';
      return (flags['ask-worries'] ? concernQuestions[0] : trustArguments[0]) as string;
    }
    if (stage === 'asked worries') {
      stage = 'reassured';
      if (/overheads|waste/i.test(last)) return trustArguments[0] as string;
    }
    return pledgeAsks[0] as string;
  });
};

const task = await loadPersuasionTask();
const result = await evaluateAgent(task, 'careful', careful, { episodes: Number(flags.episodes), seed: 1000, split: 'test' });
const f = (x: number) => x.toFixed(3);
process.stdout.write(`careful volunteer${flags['ask-worries'] ? ', asking about worries first' : ''}: success ${f(result.success.mean)} [${f(result.success.low)}, ${f(result.success.high)}], reward ${f(result.reward.mean)}, ${result.turns.toFixed(2)} turns\n`);
