import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../task/types.ts';
import { answeredPairs, answeredWidth, createAnsweredIndex, replyTags } from './answered.ts';
import { createHashedEmbedder, ngrams, tokenize } from './hashed.ts';

const d = 1024;
const embedder = createHashedEmbedder({ dimension: d });
const agent = (text: string): Turn => ({ role: 'agent', text });
const user = (text: string): Turn => ({ role: 'user', text });
const plain = (pairs: { words: Int32Array; tags: Int32Array }) => ({ words: Array.from(pairs.words), tags: Array.from(pairs.tags) });
const wordSet = (pairs: { words: Int32Array }) => [...new Set(pairs.words)].sort((a, b) => a - b);

describe('replyTags', () => {
  it('reads a negation anywhere in the reply, not only a leading "no"', () => {
    for (const reply of ['No, not Europe.', 'Hmm, not really my thing.', "I don't think so"]) expect(replyTags(reply)).toContain('polarity:negative');
    for (const reply of ['Yes, Europe.', 'That sounds perfect.']) expect(replyTags(reply)).toContain('polarity:positive');
  });

  it('tags the first word, lower-cased, as well as the polarity', () => {
    expect(replyTags('No, not Europe.')).toEqual(['first:no', 'polarity:negative']);
    expect(replyTags('Hmm, not really my thing.')).toEqual(['first:hmm', 'polarity:negative']);
    expect(replyTags('That sounds perfect.')).toEqual(['first:that', 'polarity:positive']);
  });
});

describe('answeredPairs', () => {
  it("uses the word indices embedAction gives the utterance, so a candidate that repeats it meets them", () => {
    const utterance = 'Would you like a hiking trip in the Alps?';
    const pairs = answeredPairs(utterance, 'Hmm, not really my thing.', d);
    expect(wordSet(pairs)).toEqual(Array.from(embedder.embedAction(utterance).indices));
    // Each distinct n-gram is paired once with each of the reply's two tags.
    expect(pairs.words).toHaveLength(2 * new Set(ngrams(tokenize(utterance))).size);
    expect(pairs.tags).toHaveLength(pairs.words.length);
  });

  it('changes the weights, not the words, with the answer', () => {
    const yes = answeredPairs('Is it in Europe?', 'Yes.', d);
    const no = answeredPairs('Is it in Europe?', 'No.', d);
    expect(plain(yes).words).toEqual(plain(no).words);
    expect(new Set(plain(yes).tags.filter((tag) => no.tags.includes(tag))).size).toBe(0);
  });

  it('lets two negative replies share the polarity weights but not the first-word ones', () => {
    // Without the shared half, what a "no" teaches would not carry to "not really".
    const no = answeredPairs('Is it in Europe?', 'No.', d);
    const notReally = answeredPairs('Is it in Europe?', 'Not really.', d);
    const shared = [...new Set(no.tags)].filter((tag) => notReally.tags.includes(tag));
    expect(shared).toHaveLength(new Set(ngrams(tokenize('Is it in Europe?'))).size);
  });

  it('keeps word indices below d and weight indices below answeredWidth', () => {
    const text = fc.array(fc.constantFrom('is', 'it', 'red', 'hiking', "don't", 'no', 'x-ray', '42', 'Europe?', '!'), { maxLength: 10 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(text, text, fc.constantFrom(16, 100, 1024), (utterance, reply, dimension) => {
        const pairs = answeredPairs(utterance, reply, dimension);
        expect(pairs.words.length).toBe(pairs.tags.length);
        for (const word of pairs.words) expect(word >= 0 && word < dimension).toBe(true);
        for (const tag of pairs.tags) expect(tag >= 0 && tag < answeredWidth).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('createAnsweredIndex', () => {
  const redNo = [agent('Is it red?'), user('No.'), agent('Is it blue?'), user('Yes.')];
  const redYes = [agent('Is it red?'), user('Yes.'), agent('Is it blue?'), user('No.')];

  it('tells apart conversations with the same words and swapped answers', () => {
    const index = createAnsweredIndex(d);
    expect(index.ofState(redNo).map(plain)).not.toEqual(index.ofState(redYes).map(plain));
    // Word for word the same exchanges, answered the other way round.
    expect(index.ofState(redNo).map(wordSet)).toEqual(index.ofState(redYes).map(wordSet));
  });

  it('sees what the hashed state cannot: once the last reply agrees, embedState is identical', () => {
    // The state keeps the last user turn apart (`l:` features), so it differs while the last
    // answers differ; one more shared exchange leaves it nothing but a bag of who said what.
    const coda = [agent('Anything else?'), user('Maybe.')];
    const [a, b] = [embedder.embedState([...redNo, ...coda]), embedder.embedState([...redYes, ...coda])];
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    const index = createAnsweredIndex(d);
    expect(index.ofState([...redNo, ...coda]).map(plain)).not.toEqual(index.ofState([...redYes, ...coda]).map(plain));
  });

  it('gives one entry per answered agent turn, in order, and none for an unanswered one', () => {
    const turns = [user('Hi!'), agent('Is it red?'), user('No.'), agent('Is it blue?'), agent('Or green?'), user('Yes.'), agent('Great, green it is.')];
    const expected = [answeredPairs('Is it red?', 'No.', d), answeredPairs('Or green?', 'Yes.', d)].map(plain);
    expect(createAnsweredIndex(d).ofState(turns).map(plain)).toEqual(expected);
    expect(createAnsweredIndex(d).ofState([agent('Is it red?')])).toEqual([]);
    expect(createAnsweredIndex(d).ofState([user('Hi!'), user('Anyone?')])).toEqual([]);
  });

  it('answers a repeated exchange the same way, from its cache or not', () => {
    const index = createAnsweredIndex(d);
    const first = index.ofState(redNo).map(plain);
    expect(index.ofState(redNo).map(plain)).toEqual(first);
    expect(createAnsweredIndex(d).ofState(redNo).map(plain)).toEqual(first);
    expect(index.dimension).toBe(d);
  });
});
