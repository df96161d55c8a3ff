/**
 * The exact model of the `persuasion` donor that bench/persuasion-bound.ts searches over: every
 * persona of the prior with its probability, one text per utterance kind of the data, and replay's
 * dynamics and the donor's reply, one utterance at a time. `checkModel` holds it against the real
 * donor.
 *
 * The donor's synonym choices carry no information: it draws them from its own rng whatever the
 * persona, and nothing later depends on them (replay reads only the volunteer's texts), so the
 * model's donor picks the first synonym.
 *
 * @example
 * checkModel([[names.indexOf('ask what matters'), PLEDGE]]); // throws where model and donor differ
 * step(personas[0], startingOpenness.sceptical, { t: 0, mask: 0, reassured: false }, PLEDGE).pledged // → false: a sceptic asked at once declines
 */
import type { Turn } from '../src/task/types.ts';
import { startingOpenness } from '../src/tasks/persuasion/persona.ts';
import type { PersuasionPersona } from '../src/tasks/persuasion/persona.ts';
import { pledgeThreshold, replay } from '../src/tasks/persuasion/persuasion.ts';
import { concernQuestions, donorValues, pledgeAsks, pressureLines, readPitch, specificQuestions, trustArguments, valueArguments, valueQuestions } from '../src/tasks/persuasion/pitch.ts';
import type { DonorValue, PitchReading } from '../src/tasks/persuasion/pitch.ts';
import { createPersuasionUser } from '../src/tasks/persuasion/user.ts';
import type { Rng } from '../src/util/rng.ts';

/** An Rng whose i-th pick takes item `choices[i]` (modulo length; 0 when unset): no information in synonyms. */
export const fixedRng = (choices: readonly number[] = []): Rng => {
  let k = 0;
  const first = <T>(items: readonly T[]): T => items[0] as T;
  const pick = <T>(items: readonly T[]): T => items[(choices[k++] ?? 0) % items.length] as T;
  return { next: () => 0, int: (min) => min, pick, shuffle: (items) => items.slice(), chance: () => false, weighted: first, fork: () => fixedRng(choices) };
};
export const reply = (persona: PersuasionPersona, texts: readonly string[], choices: readonly number[] = []): { text: string; done: boolean } => {
  const turns: Turn[] = texts.flatMap((text) => [{ role: 'user' as const, text: '' }, { role: 'agent' as const, text }]);
  return createPersuasionUser(persona, fixedRng(choices)).reply(turns);
};

// ---- The prior: every persona with its probability (rng.int(3, 7) is inclusive). ----
const stances = [['sceptical', 0.35], ['undecided', 0.4], ['sympathetic', 0.25]] as const;
const distrusts = [['none', 0.45], ['some', 0.35], ['strong', 0.2]] as const;
export const [personas, prior]: [PersuasionPersona[], number[]] = [[], []];
for (const [stance, ws] of stances)
  for (const value of donorValues)
    for (const second of [...donorValues.filter((other) => other !== value), 'none' as const])
      for (const [distrust, wd] of distrusts)
        for (const vague of [false, true])
          for (let patience = 3; patience <= 7; patience += 1) {
            personas.push({ stance, value, second, distrust, vague, patience });
            prior.push(ws * 0.2 * (second === 'none' ? 0.4 : 0.6 / 4) * wd * (vague ? 0.4 : 0.6) * 0.2);
          }

// ---- The actions: one text per utterance kind; variants of a kind must read the same. ----
export const kinds: [string, readonly string[]][] = [
  ...donorValues.map((v): [string, readonly string[]] => [`argue ${v}`, valueArguments[v]]),
  ['trust argument', trustArguments],
  ['pressure', pressureLines],
  ['ask what matters', valueQuestions],
  ...donorValues.map((v): [string, readonly string[]] => [`ask about ${v}`, [specificQuestions[v]]]),
  ['ask worries', concernQuestions],
  ['ask pledge', pledgeAsks],
];
export const [names, texts] = [kinds.map(([name]) => name), kinds.map(([, variants]) => variants[0] as string)];
export const pitches: PitchReading[] = texts.map((text) => readPitch(text));
export const [PRESSURE, PLEDGE] = [names.indexOf('pressure'), names.indexOf('ask pledge')];
export const bit = (v: DonorValue): number => 1 << donorValues.indexOf(v);

// ---- The model: replay's dynamics and the donor's reply, one utterance at a time. ----
export type Shared = { t: number; mask: number; reassured: boolean };
export type Outcome = { open: number; answer: string; timing: string; done: boolean; pledged: boolean };
const clamp = (x: number): number => Math.round(Math.min(1, Math.max(0, x)) * 1e6) / 1e6;

export const step = (p: PersuasionPersona, open: number, s: Shared, a: number): Outcome => {
  const pitch = pitches[a] as PitchReading;
  let reaction = '';
  let mask = s.mask;
  for (const v of pitch.argues) {
    const delta = mask & bit(v) ? 0.02 : v === p.value ? 0.4 : v === p.second ? 0.2 : -0.1;
    mask |= bit(v);
    open += delta;
    reaction = delta >= 0.15 ? 'moved' : delta >= 0 ? reaction || 'unmoved' : reaction || 'backfired';
  }
  const trusted = p.distrust !== 'strong' || s.reassured || pitch.addressesTrust;
  if (pitch.addressesTrust && !s.reassured) {
    open += p.distrust === 'some' ? 0.15 : p.distrust === 'strong' ? 0.1 : 0;
    reaction = reaction || (p.distrust === 'none' ? 'unmoved' : 'reassured');
  }
  if (pitch.pressures) [open, reaction] = [open - 0.2, 'pressured'];
  open = clamp(open);
  const t = s.t + 1;
  if (pitch.asksPledge) {
    const pledged = trusted && open >= pledgeThreshold;
    return { open, answer: `${reaction}|${pledged ? 'yes' : trusted ? 'no' : 'distrust'}`, timing: '', done: true, pledged };
  }
  if (t >= p.patience) return { open, answer: 'leave', timing: '', done: true, pledged: false };
  const said: string[] = pitch.asksAbout.slice(0, 2).map((v) => (v === p.value ? 'a lot' : v === p.second ? 'somewhat' : 'not really'));
  if (pitch.asksValues) said.push(p.vague ? 'vague' : p.value);
  if (pitch.asksConcerns) said.push(p.distrust);
  return { open, answer: `${reaction}|${said.join(',') || 'confused'}`, timing: t === p.patience - 1 ? 'nudge' : '', done: false, pledged: false };
};
export const advance = (s: Shared, a: number): Shared => ({
  t: s.t + 1,
  mask: (pitches[a] as PitchReading).argues.reduce((m, v) => m | bit(v), s.mask),
  reassured: s.reassured || (pitches[a] as PitchReading).addressesTrust,
});

// The model against the real donor: same end, same pledge, and a one-to-one map of replies.
export const checkModel = (histories: number[][]): void => {
  const [modelToReal, realToModel] = [new Map<string, string>(), new Map<string, string>()];
  for (const history of histories)
    personas.forEach((p, i) => {
      let [s, open] = [{ t: 0, mask: 0, reassured: false }, startingOpenness[p.stance]];
      const said: string[] = [];
      for (const a of history) {
        const o = step(p, open, s, a);
        said.push(texts[a] as string);
        const real = reply(p, said);
        const [model, truth] = [`${said.length}:${o.answer}/${o.timing}/${o.done}`, `${said.length}:${real.text}/${real.done}`];
        if ((modelToReal.get(model) ?? truth) !== truth || (realToModel.get(truth) ?? model) !== model || o.done !== real.done)
          throw new Error(`model differs from the donor: persona ${i}, history ${history.join(',')}: ${model} vs ${truth}`);
        modelToReal.set(model, truth);
        realToModel.set(truth, model);
        const truly = replay(p, said);
        if (o.pledged !== truly.pledged || o.open !== truly.openness) throw new Error(`openness or pledge differs: persona ${i}, history ${history.join(',')}`);
        if (o.done) break;
        [s, open] = [advance(s, a), o.open];
      }
    });
};
