/**
 * The words of the persuasion task: what donors can care about, the arguments that speak to
 * each value, and the patterns the simulated donor reads a volunteer's text with. Volunteers and
 * donor share the patterns, never the persona.
 *
 * @example
 * readPitch('Every $30 gives one person clean water for a year. Would you pledge a donation?')
 * // → { argues: ['impact'], asksPledge: true, … }
 */
import { questionsAndStatements } from '../scripted.ts';

export const donorValues = ['impact', 'stories', 'fairness', 'community', 'tax'] as const;
export type DonorValue = (typeof donorValues)[number];

export const valueArguments: Record<DonorValue, readonly string[]> = {
  impact: ['Every $30 gives one person clean water for a year, and we publish audited results for every well.', 'Our wells are measured: each one cuts waterborne illness in its village by more than half.'],
  stories: ['Let me tell you about Amina, who used to walk four hours a day for water and now goes to school instead.', 'I met a grandmother last year who cried when the first clean water came out of the new pump in her village.'],
  fairness: ['No child should get sick just because of where they were born; clean water is a basic right.', "It isn't fair that some people still drink from muddy ponds when the fix costs so little."],
  community: ['Our donors here run a local chapter: you would join neighbours who meet, volunteer and follow the projects together.', 'Many people from this town give together, and we share every project with the whole local group.'],
  tax: ['Your donation is tax-deductible, so it costs you noticeably less than you think.', 'With the tax relief, a pledge costs you much less, and you can spread it monthly.'],
};

const valuePatterns: Record<DonorValue, RegExp> = {
  impact: /\b(results?|measur\w*|audited|impact|evidence|cuts|per well)\b/i,
  stories: /\b(amina|grandmother|tell you about|met a|story|stories)\b/i,
  fairness: /\b(fair|fairness|unfair|right|where they were born|justice)\b/i,
  community: /\b(community|neighbou?rs?|local|chapter|together|town)\b/i,
  tax: /\b(tax|deductible|relief|costs? you)\b/i,
};

export const trustArguments = [
  'Ninety cents of every dollar goes straight to the projects, and independent auditors check our accounts every year.',
  'We keep overheads under ten percent and publish every expense online, checked independently.',
];
const trustPattern = /\b(overheads?|auditors?|ninety cents|every expense|accounts)\b/i;

export const pressureLines = ['You really should donate today, it is urgent!', 'Honestly, everyone should give; you have no excuse not to.'];
const pressurePattern = /\b(you really should|no excuse|it is urgent|right now or)\b/i;

export const valueQuestions = ['What matters most to you when you give to a cause?', 'What would make you want to support a charity?'];
export const specificQuestions: Record<DonorValue, string> = {
  impact: 'Do you care about seeing measurable results?',
  stories: 'Do personal stories from the villages move you?',
  fairness: 'Does fairness matter to you here?',
  community: 'Would being part of a local group of donors appeal to you?',
  tax: 'Would the tax benefits make a difference for you?',
};
export const concernQuestions = ['Do you have any worries about how charities use their money?', 'Is anything holding you back from giving?'];
export const pledgeAsks = ['Would you be willing to pledge a donation?', 'Could I put you down for a pledge today?'];

export type PitchReading = {
  /** Values the volunteer argued from, in statements (not questions). */
  argues: DonorValue[];
  addressesTrust: boolean;
  pressures: boolean;
  /** Values asked about by a specific question. */
  asksAbout: DonorValue[];
  asksValues: boolean;
  asksConcerns: boolean;
  asksPledge: boolean;
};

export const readPitch = (text: string): PitchReading => {
  const { questions, statements } = questionsAndStatements(text);
  const asksPledge = /\b(pledge|donat\w*|put you down|sign up)\b/i.test(questions);
  const asksValues = /\b(what matters|what would make you|why do you give)\b/i.test(questions);
  const asksConcerns = /\b(worries|holding you back|concerns?)\b/i.test(questions);
  return {
    argues: donorValues.filter((value) => valuePatterns[value].test(statements)),
    addressesTrust: trustPattern.test(statements),
    pressures: pressurePattern.test(statements),
    asksAbout: asksPledge || asksValues || asksConcerns ? [] : donorValues.filter((value) => valuePatterns[value].test(questions)),
    asksValues,
    asksConcerns,
    asksPledge,
  };
};

/** Values named in any text (a donor's answer, say), by the same patterns as arguments. */
export const valuesIn = (text: string): DonorValue[] => donorValues.filter((value) => valuePatterns[value].test(text));
