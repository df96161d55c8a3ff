/**
 * How a donor's openness moves, replayed from the volunteer's words alone: an argument from
 * their main value moves them most, from their second value a little, repeating oneself barely
 * at all; an argument that misses them, or pressure, backfires. Answering a worry they have
 * helps, and strong distrust blocks a pledge until it is answered. Asked to pledge, they agree once
 * open enough. The donor simulator and the judge share this replay.
 *
 * @example
 * replay(persona, texts) // → { openness: 0.7, trusted: true, pledged: true, asked: true, reactions: [...] }
 */
import { readPitch } from './pitch.ts';
import type { DonorValue } from './pitch.ts';
import { startingOpenness } from './persona.ts';
import type { PersuasionPersona } from './persona.ts';

/** Openness at or above which an asked donor pledges. */
export const pledgeThreshold = 0.6;

export type Reaction = 'moved' | 'unmoved' | 'backfired' | 'pressured' | 'reassured';

export type Persuasion = { openness: number; trusted: boolean; asked: boolean; pledged: boolean; reactions: (Reaction | undefined)[] };

const clamp = (value: number): number => Math.round(Math.min(1, Math.max(0, value)) * 1e6) / 1e6;

export const replay = (persona: PersuasionPersona, texts: readonly string[]): Persuasion => {
  let openness = startingOpenness[persona.stance];
  let trusted = persona.distrust !== 'strong';
  const heard = new Set<DonorValue>();
  let asked = false;
  let pledged = false;
  let reassured = false;
  const reactions = texts.map((text): Reaction | undefined => {
    if (asked) return undefined;
    const pitch = readPitch(text);
    let reaction: Reaction | undefined;
    for (const value of pitch.argues) {
      const fresh = !heard.has(value);
      heard.add(value);
      const delta = !fresh ? 0.02 : value === persona.value ? 0.4 : value === persona.second ? 0.2 : -0.1;
      openness += delta;
      reaction = delta >= 0.15 ? 'moved' : delta >= 0 ? (reaction ?? 'unmoved') : (reaction ?? 'backfired');
    }
    if (pitch.addressesTrust && !reassured) {
      reassured = true;
      // Answering a worry they have helps; strong distrust must be answered before any pledge.
      openness += persona.distrust === 'some' ? 0.15 : persona.distrust === 'strong' ? 0.1 : 0;
      trusted = true;
      reaction = reaction ?? (persona.distrust === 'none' ? 'unmoved' : 'reassured');
    }
    if (pitch.pressures) {
      openness -= 0.2;
      reaction = 'pressured';
    }
    openness = clamp(openness);
    if (pitch.asksPledge) {
      asked = true;
      pledged = trusted && openness >= pledgeThreshold;
    }
    return reaction;
  });
  return { openness, trusted, asked, pledged, reactions };
};

/** 1 for a pledge; otherwise how far they moved toward giving, as the task spec asks. */
export const persuasionReward = (persona: PersuasionPersona, persuasion: Persuasion): number =>
  persuasion.pledged ? 1 : Math.round(Math.max(0, persuasion.openness - startingOpenness[persona.stance]) * 1e6) / 1e6;
