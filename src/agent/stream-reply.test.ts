import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanReply } from './prompt.ts';
import { createStreamCleaner } from './stream-reply.ts';

const streamed = (pieces: readonly string[]): { emitted: string[]; text: string } => {
  const emitted: string[] = [];
  const cleaner = createStreamCleaner((piece) => emitted.push(piece));
  for (const piece of pieces) cleaner.push(piece);
  return { emitted, text: cleaner.end() };
};

/** Splits `text` at the given cut points. */
const split = (text: string, cuts: number[]): string[] => {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(text.slice(from, point));
    from = point;
  }
  pieces.push(text.slice(from));
  return pieces;
};

describe('createStreamCleaner', () => {
  it('strips a speaker label and wrapping quotes across piece boundaries', () => {
    const { emitted, text } = streamed(['  Agent', ': "Hi', ' there, how', ' can I help?"  ']);
    expect(text).toBe('Hi there, how can I help?');
    expect(emitted.join('')).toBe(text);
    expect(emitted.length).toBeGreaterThan(1);
  });

  it('passes text on before the reply ends', () => {
    const emitted: string[] = [];
    const cleaner = createStreamCleaner((piece) => emitted.push(piece));
    cleaner.push('What kind of activities do you enjoy');
    expect(emitted.join('')).toBe('What kind of activities do you enjoy');
    cleaner.push(' most?');
    cleaner.end();
    expect(emitted.join('')).toBe('What kind of activities do you enjoy most?');
  });

  it('joins to cleanReply of the whole text, however it is split', () => {
    const word = fc.constantFrom('Agent:', 'assistant :', 'hi', 'there', 'what', '?', 'ok.', '"', '“', '”', ' ', '\n', 'trip');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (words, cuts) => {
        const text = words.join(' ');
        // An opening quote is dropped as it arrives; cleanReply keeps it when no closing quote (or
        // another quote inside) follows, which the stream cannot know in advance.
        const unlabelled = text.trim().replace(/^(?:agent|assistant)\s*:\s*/i, '');
        const opening = unlabelled[0] === '"' || unlabelled[0] === '“';
        fc.pre(!opening || (unlabelled.length > 1 && unlabelled.endsWith(unlabelled[0] === '"' ? '"' : '”') && !/["“”]/.test(unlabelled.slice(1, -1))));
        const { emitted, text: joined } = streamed(split(text, cuts));
        expect(joined).toBe(emitted.join(''));
        expect(joined).toBe(cleanReply(text));
      }),
      { numRuns: 1000 },
    );
  });
});
