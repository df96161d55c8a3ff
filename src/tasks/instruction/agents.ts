/**
 * Scripted tutors. The behaviour tutors write the imagined data and are uneven on purpose: one
 * lectures at once at a random level, one asks about prerequisites and trusts the answers (an
 * overconfident learner fools it) and re-explains lower when the learner is lost, one asks an
 * open question, one does things at random. They read the learner's words, never the persona.
 * The naive tutor explains at a middle level at once; the oracle knows the learner's level.
 *
 * @example
 * const agent = instructionBehaviours[1].create({ rng, persona });
 * await agent.act(turns) // → { text: 'Have you worked with supervised learning before?' }
 */
import type { AgentFactory, ScriptedBehaviour, Turn } from '../../task/types.ts';
import { plannedAgent, sentencesOf } from '../scripted.ts';
import type { Rng } from '../../util/rng.ts';
import { explanations, prerequisiteNames, prerequisites } from './concept.ts';
import type { Level, Part, Prerequisite } from './concept.ts';
import { learnerLevel } from './persona.ts';
import type { InstructionPersona } from './persona.ts';

const questions: Record<Prerequisite, readonly string[]> = {
  supervised: ['Have you worked with supervised learning before?', 'Have you ever trained a classifier on labelled data?'],
  rl: ['Do you know what a policy is in reinforcement learning?', 'Have you come across reinforcement learning?'],
  math: ['How comfortable are you with probability?', 'Are you at ease with maths notation?'],
};
const openQuestions = ['What do you already know about machine learning?', 'Could you tell me a bit about your background?'];
const checks = ['Does that make sense?', 'Is that clear so far?'];
const closing = ' Hope that helps!';

export const explain = (rng: Rng, part: Part, level: Level, close = false): string => rng.pick(explanations[part][level]) + (close ? closing : '');
const ask = (rng: Rng, prerequisite: Prerequisite): string => rng.pick(questions[prerequisite]);
const clampLevel = (level: number): Level => Math.min(2, Math.max(0, Math.round(level))) as Level;

/** What the learner has said about themselves and how they took the last explanation. */
export const readLearner = (turns: readonly Turn[]): { reported: Partial<Record<Prerequisite, Level>>; lastReaction: 'understood' | 'bored' | 'confused' | undefined } => {
  const reported: Partial<Record<Prerequisite, Level>> = {};
  let lastReaction: 'understood' | 'bored' | 'confused' | undefined;
  for (const turn of turns.filter((each) => each.role === 'user')) {
    for (const sentence of sentencesOf(turn.text)) {
      const prerequisite = prerequisites.find((each) => sentence.includes(prerequisiteNames[each]));
      if (prerequisite !== undefined) reported[prerequisite] = /never|don't know/i.test(sentence) ? 0 : /a little/i.test(sentence) ? 1 : 2;
    }
    lastReaction = /lost|in the first place|not really/i.test(turn.text) ? 'confused' : /already knew|familiar with that/i.test(turn.text) ? 'bored' : /makes sense|got it/i.test(turn.text) ? 'understood' : lastReaction;
  }
  return { reported, lastReaction };
};

const estimatedLevel = (turns: readonly Turn[], fallback: Level): Level => {
  const values = Object.values(readLearner(turns).reported);
  return values.length === 0 ? fallback : clampLevel(values.reduce((sum: number, value) => sum + value, 0) / values.length);
};

const lecturer: AgentFactory<InstructionPersona> = ({ rng }) => {
  const level = rng.pick([0, 1, 2] as const);
  return plannedAgent('lecturer', (_turns, said) => (said === 0 ? explain(rng, 'what', level) : explain(rng, 'why', level, true)));
};

const asker: AgentFactory<InstructionPersona> = ({ rng }) => {
  const asked = rng.shuffle(prerequisites).slice(0, rng.chance(0.6) ? 1 : 2);
  const checksUnderstanding = rng.chance(0.5);
  const reexplains = rng.chance(0.5);
  let level: Level = 1;
  let stage: 'ask' | 'what' | 'check' | 'why' = 'ask';
  return plannedAgent('asker', (turns, said) => {
    if (stage === 'ask' && said < asked.length) return ask(rng, asked[said] as Prerequisite);
    if (stage === 'ask') {
      level = estimatedLevel(turns, 1);
      stage = checksUnderstanding ? 'check' : 'why';
      return explain(rng, 'what', level);
    }
    const { lastReaction } = readLearner(turns);
    if (reexplains && lastReaction === 'confused' && level > 0) {
      level = clampLevel(level - 1);
      return explain(rng, 'what', level);
    }
    if (stage === 'check') {
      stage = 'why';
      return rng.pick(checks);
    }
    return explain(rng, 'why', level, true);
  });
};

const openAsker: AgentFactory<InstructionPersona> = ({ rng }) => {
  let level: Level = 1;
  return plannedAgent('open-questions', (turns, said) => {
    if (said === 0) return rng.pick(openQuestions);
    if (said === 1) {
      level = estimatedLevel(turns, rng.pick([0, 1, 2] as const));
      return explain(rng, 'what', level);
    }
    return explain(rng, 'why', level, true);
  });
};

const randomMix: AgentFactory<InstructionPersona> = ({ rng }) => {
  const length = rng.int(2, 5);
  return plannedAgent('random-mix', (_turns, said) => {
    const level = rng.pick([0, 1, 2] as const);
    if (said >= length - 1) return explain(rng, 'why', level, true);
    return rng.weighted(
      [() => ask(rng, rng.pick(prerequisites)), () => rng.pick(openQuestions), () => explain(rng, 'what', level), () => rng.pick(checks)],
      [0.35, 0.15, 0.35, 0.15],
    )();
  });
};

export const instructionBehaviours: readonly ScriptedBehaviour<InstructionPersona>[] = [
  { name: 'lecturer', weight: 1, create: lecturer },
  { name: 'asker', weight: 1.2, create: asker },
  { name: 'open-questions', weight: 0.8, create: openAsker },
  { name: 'random-mix', weight: 1, create: randomMix },
];

/** Explains at a middle level at once, like an LLM that does not ask first. */
export const naiveInstructionAgent: AgentFactory<InstructionPersona> = ({ rng }) => plannedAgent('naive', (_turns, said) => (said === 0 ? explain(rng, 'what', 1) : explain(rng, 'why', 1, true)));

/** Knows the learner's level. */
export const oracleInstructionAgent: AgentFactory<InstructionPersona> = ({ rng, persona }) => {
  const level = learnerLevel(persona);
  return plannedAgent('oracle', (_turns, said) => (said === 0 ? explain(rng, 'what', level) : explain(rng, 'why', level, true)));
};
