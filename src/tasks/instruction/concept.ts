/**
 * What the instruction task teaches and how its words are read: the concept (behaviour cloning:
 * what it is, and why it fails), its prerequisites, explanations of each part at three levels,
 * and the patterns the simulated user reads an agent's text with. Agents and the user share the
 * patterns, never the persona: the user understands an explanation by its words alone.
 *
 * @example
 * readInstructionText('Have you used supervised learning before?') // → { asks: ['supervised'], explains: undefined, … }
 */
import { questionsAndStatements } from '../scripted.ts';

export const prerequisites = ['supervised', 'rl', 'math'] as const;
export type Prerequisite = (typeof prerequisites)[number];

export const levels = [0, 1, 2] as const;
export type Level = (typeof levels)[number];

export const parts = ['what', 'why'] as const;
export type Part = (typeof parts)[number];

/** How the user names each prerequisite, and the jargon that stands for it in explanations. */
export const prerequisiteNames: Record<Prerequisite, string> = { supervised: 'supervised learning', rl: 'reinforcement learning', math: 'probability and maths' };

const prerequisitePatterns: Record<Prerequisite, RegExp> = {
  supervised: /\b(supervised|labell?ed|classifiers?|training data|regression)\b/i,
  rl: /\b(reinforcement|polic(?:y|ies)|rewards?|markov|mdps?)\b/i,
  math: /\b(probabilit(?:y|ies)|maths?|mathematics|statistics|likelihood|notation|calculus)\b/i,
};

/** The explanations, by part and level; the level shows in the words (analogy, plain ML, formal). */
export const explanations: Record<Part, Record<Level, readonly string[]>> = {
  what: {
    0: [
      'Think of it like learning to cook by watching a chef: behaviour cloning copies what an expert does in each situation, without being told why.',
      'Imagine an apprentice who copies every move a master makes: that is behaviour cloning, learning a skill just by imitating someone who is good at it.',
    ],
    1: [
      'Behaviour cloning trains a model on examples of an expert at work: for each situation it learns to predict the action the expert took, like a classifier.',
      'In behaviour cloning you record an expert, then train a network on those recordings so it outputs the same action the expert chose in each situation.',
    ],
    2: [
      'Behaviour cloning fits a policy π(a|s) by maximum likelihood on expert state-action pairs: plain supervised learning on the demonstrations, with no reward.',
      'Formally, behaviour cloning minimises the negative log-likelihood of the expert actions under the policy, over the distribution of states the expert visits.',
    ],
  },
  why: {
    0: [
      'The catch: if the copycat ever ends up somewhere the expert never went, it has no idea what to do, and each small slip leads further off track.',
      'But it only knows the places the expert showed it, so one mistake takes it somewhere new, where it makes more mistakes, and they pile up.',
    ],
    1: [
      'Its weakness is that the model only saw situations the expert reached; one wrong action leads to unfamiliar situations, so errors compound over time.',
      'It fails when small prediction errors push it into situations missing from the recordings, where it was never trained, and the errors snowball.',
    ],
    2: [
      'It fails under covariate shift: the learner visits states outside the expert distribution, so errors compound and the cost can grow quadratically in the horizon.',
      'Because training states come from the expert distribution, test-time errors cause distribution shift and compounding error, which is what DAgger corrects.',
    ],
  },
};

/** Words that mark an explanation's level, checked from the most formal down. */
const levelPatterns: readonly (readonly [Level, RegExp])[] = [
  [2, /\b(π|maximum likelihood|log-likelihood|state-action|covariate shift|distribution shift|quadratic(?:ally)?|formally|dagger)\b|π/i],
  [1, /\b(model|network|classifier|train(?:s|ed|ing)?|predict|recordings?|errors? compound|snowball)\b/i],
  [0, /\b(think of it|imagine|like learning|apprentice|copycat|copies|pile up|off track|slip)\b/i],
];

const partPatterns: Record<Part, RegExp> = {
  why: /\b(fails?|weakness|catch|mistakes?|errors?|shift|slip|wrong)\b/i,
  what: /\b(behaviou?r cloning|imitat\w*|cop(?:y|ies)|demonstrations?|recordings?)\b/i,
};

const checkPattern = /\b(make sense|is that clear|does that help|are you with me|did that land|follow so far)\b/i;
const closePattern = /\b(hope (?:that|this) helps|good luck|happy learning)\b/i;
const openBackgroundPattern = /\b(your background|what do you (?:already )?know|how much do you know|familiar with machine learning|experience with machine learning)\b/i;

export type InstructionReading = {
  /** Prerequisites the agent asked about, in a question. */
  asks: Prerequisite[];
  /** Asked an open question about the user's background. */
  asksOpen: boolean;
  /** An explanation of a part of the concept, at a level. */
  explains: { part: Part; level: Level } | undefined;
  checks: boolean;
  closes: boolean;
};

const levelOf = (text: string): Level | undefined => levelPatterns.find(([, pattern]) => pattern.test(text))?.[0];

export const readInstructionText = (text: string): InstructionReading => {
  const { questions, statements } = questionsAndStatements(text);
  const part: Part | undefined = partPatterns.why.test(statements) ? 'why' : partPatterns.what.test(statements) ? 'what' : undefined;
  const level = levelOf(statements);
  return {
    asks: prerequisites.filter((prerequisite) => prerequisitePatterns[prerequisite].test(questions)),
    asksOpen: openBackgroundPattern.test(questions),
    explains: part === undefined || level === undefined ? undefined : { part, level },
    checks: checkPattern.test(text),
    closes: closePattern.test(text),
  };
};
