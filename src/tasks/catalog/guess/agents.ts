/**
 * Scripted guessers. The behaviour agents write the imagined data and are uneven on purpose:
 * `random-questions` asks whatever comes to mind and guesses when it feels like it,
 * `split-questions` often asks the question that best halves what is still possible (but not
 * always, and it guesses once few items remain), `early-guesser` guesses after a question or
 * two, `random-mix` does anything. All of them read the conversation, never the persona, and
 * guess among the items the answers still allow. The naive agent guesses at once; the oracle
 * knows the item.
 *
 * @example
 * const agents = guessingAgents(catalog);
 * await agents.oracle({ rng, persona }).act(turns) // → { text: 'Is it France?' }
 */
import type { Agent, AgentFactory, ScriptedBehaviour, Turn } from '../../../task/types.ts';
import type { Rng } from '../../../util/rng.ts';
import type { CatalogItem, GuessingCatalog } from '../model.ts';
import { valuesOf } from '../model.ts';
import { agentTurnCount, choose, fill, joinOptions, withArticle } from '../phrase.ts';
import { usualWords } from '../questions.ts';
import { askables, readKnowledge, splitCost } from './knowledge.ts';
import type { Askable, Knowledge } from './knowledge.ts';
import { hiddenItem } from './persona.ts';
import type { GuessingPersona } from './persona.ts';

export type GuessingAgents = {
  behaviours: ScriptedBehaviour<GuessingPersona>[];
  naive: AgentFactory<GuessingPersona>;
  oracle: AgentFactory<GuessingPersona>;
};

/** A guess, with {name}, {description} and each attribute's usual words for the item's values available to the template. */
export const guessText = (catalog: GuessingCatalog, rng: Rng, item: CatalogItem): string =>
  fill(choose(rng, catalog.guess), {
    ...Object.fromEntries(
      catalog.attributes.map((attribute) => [attribute.name, joinOptions(attribute.values.filter((value) => valuesOf(item, attribute.name).includes(value.name)).map(usualWords), 'and')]),
    ),
    name: item.name,
    'a name': withArticle(item.name, item.article),
    description: item.description,
  });

export const guessingAgents = (catalog: GuessingCatalog): GuessingAgents => {
  const all = askables(catalog);
  const position = new Map(catalog.items.map((item, at) => [item, at]));
  const openQuestions = catalog.attributes.flatMap((attribute) => attribute.questions);
  const guess = (rng: Rng, knowledge: Knowledge, anyItem = false): string =>
    guessText(catalog, rng, rng.pick(anyItem || knowledge.candidates.length === 0 ? catalog.items : knowledge.candidates));
  const fresh = (knowledge: Knowledge): Askable[] => {
    const unasked = all.filter((askable) => !knowledge.asked.has(askable.key));
    return unasked.length > 0 ? unasked : all;
  };
  const randomQuestion = (rng: Rng, knowledge: Knowledge): string => rng.pick(fresh(knowledge)).say(rng);
  /** The question that best halves the candidates; ties go to the first, so it is predictable. */
  const bestQuestion = (rng: Rng, knowledge: Knowledge): string => {
    const candidates = knowledge.candidates.map((item) => position.get(item) ?? -1);
    const ranked = fresh(knowledge).map((askable) => ({ askable, cost: splitCost(askable, candidates) }));
    const best = ranked.reduce((a, b) => (b.cost < a.cost ? b : a));
    return best.askable.say(rng);
  };

  const scripted = (name: string, setup: (rng: Rng) => (rng: Rng, turns: readonly Turn[], knowledge: Knowledge) => string): AgentFactory<GuessingPersona> =>
    ({ rng }): Agent => {
      const next = setup(rng);
      return { name, act: async (turns) => ({ text: next(rng, turns, readKnowledge(catalog, turns)) }) };
    };

  const naive = scripted('naive', () => (rng) => guessText(catalog, rng, rng.pick(catalog.naive)));

  const oracle: AgentFactory<GuessingPersona> = ({ rng, persona }) => ({ name: 'oracle', act: async () => ({ text: guessText(catalog, rng, hiddenItem(catalog, persona)) }) });

  const randomQuestions = scripted('random-questions', (setup) => {
    const questions = setup.int(2, 12);
    return (rng, turns, knowledge) =>
      agentTurnCount(turns) >= questions || knowledge.candidates.length <= 1 || knowledge.lastChance ? guess(rng, knowledge) : randomQuestion(rng, knowledge);
  });

  const splitQuestions = scripted('split-questions', (setup) => {
    // How often it finds the good question, and how few candidates it waits for, vary by agent.
    const skill = 0.3 + 0.6 * setup.next();
    const guessAt = setup.int(1, 4);
    return (rng, _turns, knowledge) => {
      if (knowledge.candidates.length <= guessAt || knowledge.lastChance) return guess(rng, knowledge);
      return rng.chance(skill) ? bestQuestion(rng, knowledge) : randomQuestion(rng, knowledge);
    };
  });

  const earlyGuesser = scripted('early-guesser', (setup) => {
    const questions = setup.int(0, 2);
    return (rng, turns, knowledge) => (agentTurnCount(turns) >= questions ? guess(rng, knowledge) : randomQuestion(rng, knowledge));
  });

  const randomMix = scripted('random-mix', () => (rng, turns, knowledge) => {
    if (rng.chance(Math.min(1, 0.1 + 0.08 * agentTurnCount(turns))) || knowledge.lastChance) return guess(rng, knowledge, rng.chance(0.3));
    const style = rng.weighted(['open', 'random', 'split'], [openQuestions.length > 0 ? 0.15 : 0, 0.4, 0.45]);
    if (style === 'open') return rng.pick(openQuestions);
    return style === 'split' ? bestQuestion(rng, knowledge) : randomQuestion(rng, knowledge);
  });

  const create: Record<string, AgentFactory<GuessingPersona>> = {
    'random-questions': randomQuestions,
    'split-questions': splitQuestions,
    'early-guesser': earlyGuesser,
    'random-mix': randomMix,
  };
  const behaviours = Object.entries(catalog.behaviours).flatMap(([name, weight]) => {
    const factory = create[name];
    return factory === undefined ? [] : [{ name, weight, create: factory }];
  });
  return { behaviours, naive, oracle };
};
