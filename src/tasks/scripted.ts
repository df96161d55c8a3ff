/**
 * Pieces the hand-written task simulators share: splitting text into sentences (simulated users
 * read questions and statements apart), scripted agents that say the next line of a plan, and
 * the step from a rule-based user, which answers at once, to the asynchronous episode contract.
 *
 * @example
 * const { questions, statements } = questionsAndStatements('Great. Do you like red?');
 * const agent = plannedAgent('lecturer', (turns, said) => (said === 0 ? 'First…' : 'Then…'));
 * const user = fromScriptedUser(createInstructionUser(persona, rng)); // reply() now returns a promise
 */
import type { Agent, ScriptedUser, Turn, UserSimulator } from '../task/types.ts';

/** A rule-based user as the episode loop takes it: the same replies, as promises. */
export const fromScriptedUser = (user: ScriptedUser): UserSimulator => ({ reply: async (turns) => user.reply(turns) });

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
