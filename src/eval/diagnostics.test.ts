import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../tasks/catalog/load.ts';
import type { GuessingCatalog } from '../tasks/catalog/model.ts';
import { reviewGuesses } from '../tasks/catalog/guess/review.ts';
import { countriesCatalogFile } from '../tasks/countries/index.ts';
import type { Turn } from '../task/types.ts';
import { diagnose, diagnosticsTable } from './diagnostics.ts';

const user = (text: string): Turn => ({ role: 'user', text });
const agent = (text: string): Turn => ({ role: 'agent', text });

let catalog: GuessingCatalog;
beforeAll(async () => {
  const loaded = await loadCatalogFile(countriesCatalogFile);
  if (loaded.family !== 'guessing') throw new Error('countries is a guessing catalog');
  catalog = loaded;
});

describe('diagnose', () => {
  it('counts repeated turns and distinct openings', () => {
    const d = diagnose([
      [user('hi'), agent('Is it in Europe?'), user('No.'), agent('Is it in Europe?'), user('I said no.')],
      [user('hi'), agent('Is it in Europe?'), user('Yes.'), agent('Is it France?')],
      [user('hi'), agent('Is it in Asia?')],
    ]);
    expect(d).toEqual({ agentTurns: 5, repeatedTurns: 1 / 5, openings: 3, distinctOpenings: 2 });
  });

  it('has no guess figures without a reviewer and zero shares for no turns', () => {
    expect(diagnose([])).toEqual({ agentTurns: 0, repeatedTurns: 0, openings: 0, distinctOpenings: 0 });
  });
});

describe('reviewGuesses on countries', () => {
  it('counts a guess that fits every answer, one that contradicts an answer, and one repeating a rejected guess', () => {
    const turns: Turn[] = [
      user("I'm thinking of a country."),
      agent('Is it in Europe?'),
      user('Yes, Europe.'),
      agent('Is it France?'), // fits
      user("No, it's not France."),
      agent('Is it Japan?'), // contradicts "Yes, Europe"
      user("No, it's not Japan."),
      agent('Is it France?'), // repeats a rejected guess
      user("No, it's not France."),
      agent('Is it landlocked?'),
      user('No, not landlocked.'),
    ];
    expect(reviewGuesses(catalog, turns)).toEqual({ guesses: 3, fitting: 1, repeated: 1, questions: 2, askedAgain: 0 });
    const d = diagnose([turns], (each) => reviewGuesses(catalog, each));
    expect(d.guesses).toBe(3);
    expect(d.guessFit).toBeCloseTo(1 / 3);
    expect(d.repeatedGuesses).toBeCloseTo(1 / 3);
    expect(d.repeatedTurns).toBeCloseTo(1 / 5);
  });

  it('tells a guess after "Yes, Asia" apart from one after "No, not Asia"', () => {
    const after = (answer: string): Turn[] => [user('Guess my country!'), agent('Is it in Asia?'), user(answer), agent('Is it Japan?')];
    expect(reviewGuesses(catalog, after('Yes, Asia.'))).toEqual({ guesses: 1, fitting: 1, repeated: 0, questions: 1, askedAgain: 0 });
    expect(reviewGuesses(catalog, after('No, not Asia.'))).toEqual({ guesses: 1, fitting: 0, repeated: 0, questions: 1, askedAgain: 0 });
  });

  it('counts a question about an attribute the user said they do not know, however it is worded', () => {
    const turns: Turn[] = [
      user('Guess my country!'),
      agent('Is it bigger than 100,000 square kilometres?'),
      user("I'm not sure about that."),
      agent('Is it in Europe?'), // another attribute
      user('Yes, Europe.'),
      agent('Is it a medium-sized country?'), // area again, in other words
      user("I don't know, to be honest."),
      agent('Is its area over 300,000 square kilometres?'), // and again
      user("I'm not sure about that."),
    ];
    expect(reviewGuesses(catalog, turns)).toMatchObject({ questions: 4, askedAgain: 2 });
    // Until the user says they do not know, asking about area twice is no waste.
    const answered = turns.map((turn) => (turn.role === 'user' && /sure|know/.test(turn.text) ? user('No, not that.') : turn));
    expect(reviewGuesses(catalog, answered)).toMatchObject({ questions: 4, askedAgain: 0 });
    const d = diagnose([turns, answered], (each) => reviewGuesses(catalog, each));
    expect(d.questions).toBe(8);
    expect(d.askedAgain).toBeCloseTo(2 / 8);
    expect(diagnosticsTable([{ name: 'ilql', diagnostics: d }])).toMatch(/questions about what the user does not know[\s\S]*\| 25\.0% +\|/);
  });
});

describe('diagnosticsTable', () => {
  it('adds the guess columns only when an agent has them', () => {
    const plain = diagnosticsTable([{ name: 'bc', diagnostics: diagnose([[user('hi'), agent('Hello')]]) }]);
    expect(plain).toContain('distinct openings');
    expect(plain).not.toContain('guesses');
    const guessing = diagnosticsTable([{ name: 'ilql', diagnostics: { agentTurns: 2, repeatedTurns: 0.5, openings: 1, distinctOpenings: 1, guesses: 4, guessFit: 0.75, repeatedGuesses: 0 } }]);
    expect(guessing).toMatch(/\| 50\.0% +\| 1 of 1 +\| 4 +\| 75\.0% +\| 0\.0% +\|/);
    expect(diagnosticsTable([{ name: 'x' }])).toBe('');
  });
});
