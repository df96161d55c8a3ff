/**
 * The simulated donor. It reads only the volunteer's text: arguments move it (or not) as
 * `replay` says and it says so; questions about what matters get an answer in its own voice
 * (vaguely, for a vague donor asked openly); a question about worries gets its distrust; asked
 * to pledge, it agrees or declines and the conversation ends. Everyone leaves once their
 * patience runs out.
 *
 * @example
 * const user = createPersuasionUser(persona, rng);
 * user.reply([]).text // → 'Hi, you wanted to talk to me about your charity?'
 */
import type { Turn, ScriptedUser, UserReply } from '../../task/types.ts';
import type { Rng } from '../../util/rng.ts';
import { readPitch } from './pitch.ts';
import type { DonorValue } from './pitch.ts';
import type { PersuasionPersona } from './persona.ts';
import { replay } from './persuasion.ts';
import type { Reaction } from './persuasion.ts';

const openings = ['Hi, you wanted to talk to me about your charity?', "Hello. I've got a few minutes, what's this about?", "Hi there. I'm listening, but I can't promise anything."];

export const valueStatements: Record<DonorValue, string> = {
  impact: 'I want to know my money actually makes a difference, with real results.',
  stories: 'Honestly, it is the people behind it that get to me, real stories.',
  fairness: 'What bothers me is how unfair it is that some people lack the basics.',
  community: 'I like giving with people around me, something local I can be part of.',
  tax: 'To be practical, it has to make sense tax-wise.',
};

export const reactionTexts: Record<Reaction, readonly string[]> = {
  moved: ["That's a good point.", 'Hm, that does matter to me.'],
  unmoved: ['Okay.', 'I see.'],
  backfired: ["That's not really what matters to me.", "Hmm, that doesn't do much for me."],
  pressured: ["Please don't pressure me.", "I don't like being pushed."],
  reassured: ['Well, that is reassuring.', 'Okay, that answers my worry a bit.'],
};

const concerns: Record<PersuasionPersona['distrust'], string> = {
  none: 'No, not really.',
  some: "A bit. I've heard charities spend a lot on overheads.",
  strong: 'Honestly, I think most charities waste the money.',
};

const answerAbout = (persona: PersuasionPersona, value: DonorValue): string =>
  value === persona.value ? 'Yes, that matters a lot to me.' : value === persona.second ? 'Somewhat, yes.' : 'Not really.';

export const createPersuasionUser = (persona: PersuasionPersona, rng: Rng): ScriptedUser => ({
  reply(turns: readonly Turn[]): UserReply {
    const texts = turns.filter((turn) => turn.role === 'agent').map((turn) => turn.text);
    const last = texts.at(-1);
    if (last === undefined) return { text: rng.pick(openings) + (persona.patience <= 3 ? " I'm in a bit of a hurry." : ''), done: false };
    const pitch = readPitch(last);
    const state = replay(persona, texts);
    const said: string[] = [];
    const reaction = state.reactions.at(-1);
    if (reaction !== undefined) said.push(rng.pick(reactionTexts[reaction]));
    if (pitch.asksPledge) {
      said.push(state.pledged ? "Alright, you've convinced me. I'll pledge a donation." : !state.trusted ? "I don't trust where the money goes. No, thank you." : "I don't think so, not today.");
      return { text: said.join(' '), done: true };
    }
    if (texts.length >= persona.patience) return { text: rng.pick(['Sorry, I have to go now.', "I need to get going, sorry."]), done: true };
    for (const value of pitch.asksAbout.slice(0, 2)) said.push(answerAbout(persona, value));
    if (pitch.asksValues) said.push(persona.vague ? rng.pick(['I just want my money to do some good, I guess.', "Hard to say, I'd have to feel it's worth it."]) : valueStatements[persona.value]);
    if (pitch.asksConcerns) said.push(concerns[persona.distrust]);
    if (said.length === 0) said.push("Sorry, I'm not sure what you mean.");
    const nudge = texts.length === persona.patience - 1 ? ' I only have a minute left.' : '';
    return { text: said.join(' ') + nudge, done: false };
  },
});
