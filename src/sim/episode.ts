/**
 * The one episode loop. The user opens (an opening cannot end the conversation); the agent and the user alternate until the user is done,
 * the user could not make a usable reply, or the agent has used the turn budget (the cap that
 * stops a user who never says they are done). The user answers the agent's last turn before the
 * conversation is judged. A rule-based user and an LLM playing the user run through the same loop;
 * so do imagination, evaluation with either, and self-play.
 *
 * @example
 * const episode = await runEpisode(task, persona, agent, createRng(3));
 * episode.judgement.reward
 * const conversation = await converse(llmUser, agent, spec.maxTurns); // judged by the caller
 */
import type { Agent, AgentStep, Judgement, TaskSimulator, Turn, Unusable, UserSimulator } from '../task/types.ts';
import type { Rng } from '../util/rng.ts';

export type Conversation = {
  turns: Turn[];
  /** What the agent considered at each of its turns, for value-based agents. */
  steps: AgentStep[];
  /** Why the conversation stopped: the user ended it (or could not go on), or the agent ran out of turns. */
  ended: 'user' | 'turn-limit';
  /** Set when the user's last reply could not be made; that reply is not in `turns`. */
  unusable?: Unusable;
};

export type Episode = Omit<Conversation, 'unusable'> & { judgement: Judgement };

export const converse = async (user: UserSimulator, agent: Agent, maxTurns: number): Promise<Conversation> => {
  const turns: Turn[] = [];
  const steps: AgentStep[] = [];
  /** The user's turn; true when the conversation is over. */
  const userSays = async (): Promise<Unusable | boolean> => {
    const reply = await user.reply(turns);
    if (reply.unusable !== undefined) return reply.unusable;
    turns.push({ role: 'user', text: reply.text });
    return reply.done;
  };
  // Nobody is done before the agent has said a word: an opening's `done` is not read.
  let said = await userSays();
  if (said === true) said = false;
  while (said === false && steps.length < maxTurns) {
    const step = await agent.act(turns);
    steps.push(step);
    turns.push({ role: 'agent', text: step.text });
    said = await userSays();
  }
  if (typeof said === 'object') return { turns, steps, ended: 'user', unusable: said };
  return { turns, steps, ended: said ? 'user' : 'turn-limit' };
};

/** An episode of a task with its own simulator: its user for this persona, then its judge. */
export const runEpisode = async <P>(task: TaskSimulator<P>, persona: P, agent: Agent, rng: Rng): Promise<Episode> => {
  const { turns, steps, ended } = await converse(task.createUser(persona, rng.fork('user')), agent, task.spec.maxTurns);
  return { turns, steps, judgement: await task.judge(persona, turns), ended };
};
