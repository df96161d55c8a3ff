import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../task/types.ts';
import { createEvidenceIndex, evidenceFeatures, evidenceWidth, exchangeEvidence, unaskedEvidence, unaskedFeatures } from './evidence.ts';
import { ngrams, tokenize } from './hashed.ts';

const agent = (text: string): Turn => ({ role: 'agent', text });
const user = (text: string): Turn => ({ role: 'user', text });
const plain = (vector: { indices: Int32Array; values: Float32Array }) => ({ indices: Array.from(vector.indices), values: Array.from(vector.values) });

describe('evidenceFeatures', () => {
  it('answers each asked word with the reply sentence that says it, not the reply as a whole', () => {
    const features = evidenceFeatures('Is it in Western Africa?', 'Yes, Africa. No, not Western Africa.');
    expect(features).toContain('yes|africa');
    expect(features).toContain('no|western');
    expect(features).toContain('no|western africa');
    expect(features).not.toContain('yes|western');
    // Words no sentence says take the reply's first sentence.
    expect(features).toContain('yes|is');
  });

  it('tells a yes from a no to the same question', () => {
    expect(evidenceFeatures('Is it in Europe?', 'Yes, Europe.')).toContain('yes|europe');
    expect(evidenceFeatures('Is it in Europe?', 'No, not Europe.')).toContain('no|europe');
    expect(plain(exchangeEvidence('Is it in Europe?', 'Yes, Europe.'))).not.toEqual(plain(exchangeEvidence('Is it in Europe?', 'No, not Europe.')));
  });

  it('gives every word and bigram of the utterance one feature, tagged with the opener of one of the reply sentences', () => {
    const word = fc.constantFrom('is', 'it', 'in', 'europe', 'africa', 'western', 'big', 'no', 'yes', 'not', 'sure');
    const sentence = fc.array(word, { minLength: 1, maxLength: 5 }).map((words) => `${words.join(' ')}.`);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), fc.array(sentence, { minLength: 1, maxLength: 3 }), (asked, replies) => {
        const utterance = `${asked.join(' ')}?`;
        const reply = replies.join(' ');
        const features = evidenceFeatures(utterance, reply);
        const openers = new Set(replies.map((text) => tokenize(text)[0]));
        expect(features.map((feature) => feature.slice(feature.indexOf('|') + 1))).toEqual(ngrams(tokenize(utterance)));
        for (const feature of features) expect(openers.has(feature.slice(0, feature.indexOf('|')))).toBe(true);
      }),
    );
  });
});

describe('createEvidenceIndex', () => {
  it('gives one vector per user turn: an answer from its exchange, an unasked line from its own words', () => {
    const index = createEvidenceIndex();
    const turns = [user('Guess my country!'), agent('Is it in Europe?'), user('No, not Europe.'), agent('Is it an island?')];
    const vectors = index.ofState(turns);
    expect(vectors).toHaveLength(2);
    expect(plain(vectors[0] as never)).toEqual(plain(unaskedEvidence('Guess my country!')));
    expect(unaskedFeatures('Guess my country!')).toContain('said|country');
    expect(plain(vectors[1] as never)).toEqual(plain(exchangeEvidence('Is it in Europe?', 'No, not Europe.')));
    for (const vector of vectors) for (const at of vector.indices) expect(at).toBeLessThan(evidenceWidth);
  });

  it('reads the answers in the width it was made with, and the same exchange once', () => {
    const index = createEvidenceIndex(64);
    const turns = [agent('Is it in Europe?'), user('Yes, Europe.')];
    const [first] = index.ofState(turns);
    const [again] = index.ofState([...turns, agent('Is it big?')]);
    expect(again).toBe(first);
    for (const at of first?.indices ?? []) expect(at).toBeLessThan(64);
  });
});
