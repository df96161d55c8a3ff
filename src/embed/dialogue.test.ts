import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Turn } from '../task/types.ts';
import { createEmbedder, UnknownEmbedderError } from './create.ts';
import { createDialogueEmbedder, exchangeFeatures } from './dialogue.ts';
import { createHashedEmbedder } from './hashed.ts';
import type { SparseVector } from './embedder.ts';

const plain = (vector: SparseVector) => ({ indices: Array.from(vector.indices), values: Array.from(vector.values) });
const embedder = createDialogueEmbedder({ dimension: 1024 });

/** Two questions; `first` and `second` are the replies, in that order. */
const asked = (first: string, second: string): Turn[] => [
  { role: 'user', text: "I'm thinking of a country." },
  { role: 'agent', text: 'Is it in Europe?' },
  { role: 'user', text: first },
  { role: 'agent', text: 'Is it landlocked?' },
  { role: 'user', text: second },
  { role: 'agent', text: 'Is it an island?' },
  { role: 'user', text: 'No.' },
];

describe('the dialogue embedder', () => {
  it('tells apart two conversations with the same words whose answers are swapped, where the bag cannot', () => {
    const a = asked('Yes.', 'No.');
    const b = asked('No.', 'Yes.');
    const bag = createHashedEmbedder({ dimension: 1024 });
    expect(plain(bag.embedState(a))).toEqual(plain(bag.embedState(b)));
    expect(embedder.embedExchanges(a).map(plain)).not.toEqual(embedder.embedExchanges(b).map(plain));
    expect(plain(embedder.embedExchanges(a)[0] as SparseVector)).toEqual(plain(exchangeFeatures('Is it in Europe?', 'Yes.', 2, 1024)));
    expect(plain(embedder.embedExchanges(b)[0] as SparseVector)).toEqual(plain(exchangeFeatures('Is it in Europe?', 'No.', 2, 1024)));
  });

  it("changes a question's row when its answer changes, and no other row", () => {
    const yes = embedder.embedExchanges(asked('Yes.', 'No.'));
    const no = embedder.embedExchanges(asked('Not at all.', 'No.'));
    expect(plain(yes[0] as SparseVector)).not.toEqual(plain(no[0] as SparseVector));
    expect(yes.slice(1).map(plain)).toEqual(no.slice(1).map(plain));
  });

  it('has one row per agent turn, oldest first, marking how long ago each was', () => {
    const turns = asked('Yes.', 'No.');
    const rows = embedder.embedExchanges(turns);
    expect(rows).toHaveLength(3);
    expect(plain(rows[2] as SparseVector)).toEqual(plain(exchangeFeatures('Is it an island?', 'No.', 0, 1024)));
    // The same exchange earlier in a longer conversation differs only by its age.
    expect(plain(exchangeFeatures('Is it an island?', 'No.', 1, 1024))).not.toEqual(plain(rows[2] as SparseVector));
    // A question not yet answered still counts (the state an agent acts in ends with a user turn, but a library user may pass any).
    expect(embedder.embedExchanges(turns.slice(0, 2))).toHaveLength(1);
    expect(embedder.embedExchanges(turns.slice(0, 1))).toEqual([]);
  });

  it('keeps the bag of the hashed embedder for the whole conversation and for actions', () => {
    const bag = createHashedEmbedder({ dimension: 1024 });
    const turns = asked('Yes.', 'No.');
    expect(plain(embedder.embedState(turns))).toEqual(plain(bag.embedState(turns)));
    expect(plain(embedder.embedAction('Is it France?'))).toEqual(plain(bag.embedAction('Is it France?')));
  });

  it('gives well-formed rows for any conversation (property)', () => {
    const turn = fc.record({ role: fc.constantFrom<Turn['role']>('user', 'agent'), text: fc.string({ maxLength: 30 }) });
    fc.assert(
      fc.property(fc.array(turn, { maxLength: 12 }), (turns) => {
        const rows = embedder.embedExchanges(turns);
        expect(rows).toHaveLength(turns.filter((each) => each.role === 'agent').length);
        for (const row of rows) {
          expect(row.indices.length).toBe(row.values.length);
          row.indices.forEach((index, i) => {
            expect(index).toBeGreaterThanOrEqual(0);
            expect(index).toBeLessThan(1024);
            if (i > 0) expect(index).toBeGreaterThan(row.indices[i - 1] ?? -1);
          });
        }
      }),
    );
  });
});

describe('createEmbedder', () => {
  it('builds each kind from its config', () => {
    expect(createEmbedder({ kind: 'hashed', version: 1, dimension: 64 }).config).toEqual({ kind: 'hashed', version: 1, dimension: 64 });
    expect(createEmbedder({ kind: 'dialogue', version: 1, dimension: 64 }).embedExchanges).toBeTypeOf('function');
    expect(createEmbedder({ kind: 'hashed', version: 1, dimension: 64 }).embedExchanges).toBeUndefined();
  });

  it('refuses a kind it does not know, naming the known ones', () => {
    expect(() => createEmbedder({ kind: 'sentence-transformer', version: 1, dimension: 64 } as never)).toThrow(UnknownEmbedderError);
    expect(() => createEmbedder({ kind: 'sentence-transformer', version: 1, dimension: 64 } as never)).toThrow(/"sentence-transformer"/);
  });
});
