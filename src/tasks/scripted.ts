/**
 * Pieces the hand-written task simulators share: splitting text into sentences (simulated users
 * read questions and statements apart), and scripted agents that say the next line of a plan.
 *
 * @example
 * const { questions, statements } = questionsAndStatements('Great. Do you like red?');
 * const agent = plannedAgent('lecturer', (turns, said) => (said === 0 ? 'First…' : 'Then…'));
 */
import type { Agent, Turn } from '../task/types.ts';

export const sentencesOf = (text: string): string[] => text.split(/(?<=[.!?])\s+/);

/** The question sentences and the other sentences of a text, each joined back with spaces. */
export const questionsAndStatements = (text: string): { questions: string; statements: string } => {
  const sentences = sentencesOf(text);
  return {
    questions: sentences.filter((sentence) => sentence.trim().endsWith('?')).join(' '),
    statements: sentences.filter((sentence) => !sentence.trim().endsWith('?')).join(' '),
  };
};

/** An agent that follows a plan: each call says the plan's next line, given the conversation and how many lines it has said. */
export const plannedAgent = (name: string, next: (turns: readonly Turn[], said: number) => string): Agent => ({
  name,
  act: async (turns) => ({ text: next(turns, turns.filter((turn) => turn.role === 'agent').length) }),
});
