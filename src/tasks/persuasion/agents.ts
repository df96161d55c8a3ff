/**
 * Scripted volunteers. The behaviour volunteers write the imagined data and are uneven on
 * purpose: one asks for the pledge at once, one argues from values picked at random, one asks
 * what matters first and argues from the answer, one does things at random (pressure included).
 * They read the donor's words, never the persona. The naive volunteer makes the usual pitch
 * (results) and asks at once; the oracle argues from exactly what moves this donor.
 *
 * @example
 * const agent = persuasionBehaviours[2].create({ rng, persona });
 * await agent.act(turns) // → { text: 'What matters most to you when you give to a cause?' }
 */
import type { AgentFactory, ScriptedBehaviour, Turn } from '../../task/types.ts';
import { plannedAgent } from '../scripted.ts';
import type { Rng } from '../../util/rng.ts';
import { concernQuestions, donorValues, pledgeAsks, pressureLines, specificQuestions, trustArguments, valueArguments, valueQuestions, valuesIn } from './pitch.ts';
import type { DonorValue } from './pitch.ts';
import type { PersuasionPersona } from './persona.ts';

export const argue = (rng: Rng, value: DonorValue): string => rng.pick(valueArguments[value]);
const askPledge = (rng: Rng): string => rng.pick(pledgeAsks);

const lastUserText = (turns: readonly Turn[]): string => turns.filter((turn) => turn.role === 'user').at(-1)?.text ?? '';

const eager: AgentFactory<PersuasionPersona> = ({ rng }) => {
  const pitchFirst = rng.chance(0.5);
  const value = rng.pick(donorValues);
  return plannedAgent('eager', (_turns, said) => (pitchFirst && said === 0 ? argue(rng, value) : askPledge(rng)));
};

const arguer: AgentFactory<PersuasionPersona> = ({ rng }) => {
  const values = rng.shuffle(donorValues).slice(0, rng.int(1, 3));
  return plannedAgent('arguer', (_turns, said) => (said < values.length ? argue(rng, values[said] as DonorValue) : askPledge(rng)));
};

const listener: AgentFactory<PersuasionPersona> = ({ rng }) => {
  const openly = rng.chance(0.6);
  const probe = rng.pick(donorValues);
  const asksConcerns = rng.chance(0.5);
  const plan: ((turns: readonly Turn[]) => string)[] = [
    () => (openly ? rng.pick(valueQuestions) : specificQuestions[probe]),
    (turns) => {
      const answer = lastUserText(turns);
      const heard = openly ? valuesIn(answer)[0] : /matters a lot|somewhat/i.test(answer) ? probe : undefined;
      return argue(rng, heard ?? rng.pick(donorValues));
    },
    ...(asksConcerns ? [() => rng.pick(concernQuestions), (turns: readonly Turn[]) => (/overheads|waste/i.test(lastUserText(turns)) ? rng.pick(trustArguments) : askPledge(rng))] : []),
    () => askPledge(rng),
  ];
  return plannedAgent('listener', (turns, said) => (plan[Math.min(said, plan.length - 1)] as (turns: readonly Turn[]) => string)(turns));
};

const randomMix: AgentFactory<PersuasionPersona> = ({ rng }) => {
  const length = rng.int(2, 5);
  return plannedAgent('random-mix', (_turns, said) =>
    said >= length - 1
      ? askPledge(rng)
      : rng.weighted(
          [() => argue(rng, rng.pick(donorValues)), () => rng.pick(valueQuestions), () => specificQuestions[rng.pick(donorValues)], () => rng.pick(concernQuestions), () => rng.pick(trustArguments), () => rng.pick(pressureLines)],
          [0.35, 0.15, 0.15, 0.1, 0.1, 0.15],
        )(),
  );
};

export const persuasionBehaviours: readonly ScriptedBehaviour<PersuasionPersona>[] = [
  { name: 'eager', weight: 0.8, create: eager },
  { name: 'arguer', weight: 1, create: arguer },
  { name: 'listener', weight: 1.2, create: listener },
  { name: 'random-mix', weight: 1, create: randomMix },
];

/** The usual pitch, results and a request at once, like an LLM that does not ask first. */
export const naivePersuasionAgent: AgentFactory<PersuasionPersona> = ({ rng }) => plannedAgent('naive', () => `${argue(rng, 'impact')} ${askPledge(rng)}`);

/** Knows what moves this donor and says all of it, then asks. */
export const oraclePersuasionAgent: AgentFactory<PersuasionPersona> = ({ rng, persona }) =>
  plannedAgent('oracle', () =>
    [argue(rng, persona.value), ...(persona.second === 'none' ? [] : [argue(rng, persona.second)]), ...(persona.distrust === 'none' ? [] : [rng.pick(trustArguments)]), askPledge(rng)].join(' '),
  );
