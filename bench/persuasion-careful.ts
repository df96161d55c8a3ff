/**
 * A careful volunteer written by hand for `persuasion`, a reference for what reading the donor can
 * reach without knowing the persona. It says only utterances the data's agents say, one per turn,
 * as the learned agents do: it asks what matters; if the answer is vague it asks about each value
 * in turn; it argues from the value it heard; it reassures about overheads (or first asks about
 * worries, with `askWorries`); it asks for the pledge, at once when the donor says they have a
 * minute left. bench/persuasion-reference.ts evaluates it; bench/persuasion-bound.ts plays it under
 * the exact prior.
 *
 * @example
 * const result = await evaluateAgent(task, 'careful', carefulVolunteer(false), { episodes: 500, seed: 1000, split: 'test' });
 */
import type { AgentFactory, Turn } from '../src/task/types.ts';
import { argue } from '../src/tasks/persuasion/agents.ts';
import { concernQuestions, donorValues, pledgeAsks, specificQuestions, trustArguments, valueQuestions, valuesIn } from '../src/tasks/persuasion/pitch.ts';
import type { DonorValue } from '../src/tasks/persuasion/pitch.ts';
import type { PersuasionPersona } from '../src/tasks/persuasion/persona.ts';
import { plannedAgent } from '../src/tasks/scripted.ts';

export const carefulVolunteer =
  (askWorries: boolean): AgentFactory<PersuasionPersona> =>
  ({ rng }) => {
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
        stage = askWorries ? 'asked worries' : 'reassured';
        return (askWorries ? concernQuestions[0] : trustArguments[0]) as string;
      }
      if (stage === 'asked worries') {
        stage = 'reassured';
        if (/overheads|waste/i.test(last)) return trustArguments[0] as string;
      }
      return pledgeAsks[0] as string;
    });
  };
