/**
 * One conversation between an agent and a simulated user, judged at the end. The user opens;
 * the agent and the user alternate until the user is done or the agent has used the task's
 * turn budget.
 *
 * @example
 * const episode = await runEpisode(task, persona, agent, createRng(3));
 * episode.judgement.reward
 */
import type { AgentStep, Judgement, TaskSimulator, Turn } from '../task/types.ts';
import type { Agent } from '../task/types.ts';
import type { Rng } from '../util/rng.ts';

export type Episode = {
  turns: Turn[];
  /** What the agent considered at each of its turns, for value-based agents. */
  steps: AgentStep[];
  judgement: Judgement;
  /** Why the conversation stopped: the user ended it, or the agent ran out of turns. */
  ended: 'user' | 'turn-limit';
};

export const runEpisode = async <P>(task: TaskSimulator<P>, persona: P, agent: Agent, rng: Rng): Promise<Episode> => {
  const user = task.createUser(persona, rng.fork('user'));
  const turns: Turn[] = [{ role: 'user', text: user.reply([]).text }];
  const steps: AgentStep[] = [];
  let ended: Episode['ended'] = 'turn-limit';
  while (steps.length < task.spec.maxTurns) {
    const step = await agent.act(turns);
    steps.push(step);
    turns.push({ role: 'agent', text: step.text });
    const reply = user.reply(turns);
    turns.push({ role: 'user', text: reply.text });
    if (reply.done) {
      ended = 'user';
      break;
    }
  }
  return { turns, steps, judgement: task.judge(persona, turns), ended };
};
