/**
 * The simulated learner. It reads only the agent's text: explanations are understood (or not)
 * by their level, as `replay` says; questions about a prerequisite get the learner's own account
 * of it (which an overconfident learner inflates); a check gets honest feedback; a closing line
 * ends the conversation. A vague learner answers open questions about their background with
 * "a bit of everything". Everyone leaves once their patience runs out.
 *
 * @example
 * const user = createInstructionUser(persona, rng);
 * user.reply([]).text // → 'Hi, can you explain what behaviour cloning is?'
 */
import type { Turn, ScriptedUser, UserReply } from '../../task/types.ts';
import type { Rng } from '../../util/rng.ts';
import { prerequisiteNames, prerequisites, readInstructionText } from './concept.ts';
import type { Level, Prerequisite } from './concept.ts';
import { comprehension, replay } from './learning.ts';
import type { Reaction } from './learning.ts';
import { reportedLevel } from './persona.ts';
import type { InstructionPersona } from './persona.ts';

const openings = ['Hi, can you explain what behaviour cloning is?', "Hello! I keep hearing about behaviour cloning. What is it?", 'Hey, could you teach me about behaviour cloning?'];

export const selfReports: Record<Level, readonly string[]> = {
  0: ["I've never really done {name}.", "No, I don't know {name}."],
  1: ['I know a little {name}.', 'Only a little {name}, to be honest.'],
  2: ['Yes, I know {name} well.', "I'm comfortable with {name}, I use it a lot."],
};

const jargonQuestions: Record<Prerequisite, string> = {
  supervised: 'What does training on labelled examples mean?',
  rl: "What's a policy?",
  math: "I don't follow the maths.",
};

export const reactionTexts: Record<Reaction, readonly string[]> = {
  understood: ['Okay, that makes sense.', 'Got it, thanks.'],
  bored: ['Right, I already knew most of that.', "Yes, I'm familiar with that part."],
  confused: ["Sorry, I'm lost."],
  'lost-basics': ["Wait, I still don't get what behaviour cloning is in the first place."],
};

const selfReport = (rng: Rng, persona: InstructionPersona, prerequisite: Prerequisite): string =>
  rng.pick(selfReports[reportedLevel(persona, persona.knowledge[prerequisite])]).replace('{name}', prerequisiteNames[prerequisite]);

const react = (rng: Rng, persona: InstructionPersona, reaction: Reaction): string => {
  if (reaction !== 'confused') return rng.pick(reactionTexts[reaction]);
  const weakest = prerequisites.reduce((worst, prerequisite) => (persona.knowledge[prerequisite] < persona.knowledge[worst] ? prerequisite : worst));
  return `${rng.pick(reactionTexts.confused)} ${jargonQuestions[weakest]}`;
};

const farewell = (score: number): string => (score >= 0.8 ? 'Thanks, that was really clear!' : score >= 0.4 ? 'Thanks, I think I get the gist.' : "Hmm, I'm still confused, but thanks.");

export const createInstructionUser = (persona: InstructionPersona, rng: Rng): ScriptedUser => ({
  reply(turns: readonly Turn[]): UserReply {
    const agentTexts = turns.filter((turn) => turn.role === 'agent').map((turn) => turn.text);
    const last = agentTexts.at(-1);
    if (last === undefined) return { text: rng.pick(openings) + (persona.patience <= 4 ? ' I only have a few minutes.' : ''), done: false };
    const reading = readInstructionText(last);
    const learning = replay(persona, agentTexts);
    if (reading.closes) return { text: farewell(comprehension(learning)), done: true };
    if (agentTexts.length >= persona.patience) return { text: rng.pick(['Sorry, I need to go now.', "I'll have to read up on this later, thanks."]), done: true };
    const said: string[] = [];
    const reaction = learning.reactions.at(-1);
    if (reaction !== undefined) said.push(react(rng, persona, reaction));
    else if (reading.checks) {
      const earlier = learning.reactions.filter((value) => value !== undefined).at(-1);
      said.push(earlier === undefined ? "Check what? You haven't explained anything yet." : earlier === 'understood' ? "Yes, I think I've got it." : earlier === 'bored' ? 'Yes, though I knew most of it.' : 'Not really, I got lost.');
    }
    for (const prerequisite of reading.asks.slice(0, 2)) said.push(selfReport(rng, persona, prerequisite));
    if (reading.asksOpen && reading.asks.length === 0) {
      said.push(persona.vague ? rng.pick(['Hmm, a bit of everything, I guess.', "Oh, I've dabbled here and there."]) : prerequisites.map((prerequisite) => selfReport(rng, persona, prerequisite)).join(' '));
    }
    if (said.length === 0) said.push("Sorry, I'm not sure what you mean. I just want to understand behaviour cloning.");
    const nudge = agentTexts.length === persona.patience - 1 ? ' Could we speed this up a bit?' : '';
    return { text: said.join(' ') + nudge, done: false };
  },
});
