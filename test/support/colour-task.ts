/**
 * A one-turn toy task for agent tests: the user says which colour they love, the agent offers
 * one, and the dialogue succeeds when the colours match. Half the dialogues offer the loved
 * colour, half the other, so a value learner can tell the good reply from the bad one.
 */
import type { Dialogue } from '../../src/data/dialogue.ts';
import { taskSpecSchema } from '../../src/task/spec.ts';
import type { Turn } from '../../src/task/types.ts';

export const colourSpec = taskSpecSchema.parse({
  name: 'toy',
  title: 'Colours',
  description: 'A user likes a colour.',
  agent: { role: 'a colour advisor', goal: 'offer the colour the user loves' },
  user: { description: 'someone with a favourite colour' },
  success: { description: 'the colour matches', threshold: 1 },
  maxTurns: 3,
});

export const colours = ['red', 'blue'] as const;
export const colourReply = (colour: string): string => `Here is something ${colour}.`;
export const colourOpening = (colour: string): Turn[] => [{ role: 'user', text: `I love ${colour}` }];

/** 200 dialogues; `meta` is each dialogue's meta (a task version, when the test saves a checkpoint). */
export const colourDialogues = (meta: Dialogue['meta'] = {}): Dialogue[] =>
  Array.from({ length: 200 }, (_, i): Dialogue => {
    const liked = colours[i % 2] ?? 'red';
    const offered = colours[Math.floor(i / 2) % 2] ?? 'red';
    return { id: `toy-${i}`, task: 'toy', persona: {}, turns: [...colourOpening(liked), { role: 'agent', text: colourReply(offered) }], reward: liked === offered ? 1 : 0, success: liked === offered, meta };
  });
