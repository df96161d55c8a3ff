import { describe, expect, it } from 'vitest';
import { tinyTokenOptions, travelDialogues } from '../../test/support/token-fixtures.ts';
import { createBatchPlan, epochBatches, prepareTokenData, TokenDataError } from './data.ts';
import { trainDialogueTokenizer, specialTokenIds } from './vocabulary.ts';
import { createRng } from '../util/rng.ts';

/** 100 sequences of lengths 10–200. */
const lengths = Array.from({ length: 100 }, (_, index) => createRng(index).int(10, 200));
const spread = (batch: number[]) => Math.max(...batch.map((index) => lengths[index] as number)) - Math.min(...batch.map((index) => lengths[index] as number));

describe('batches', () => {
  it('covers every sequence once an epoch, in batches of near-equal lengths, planned by seed and epoch alone', () => {
    const batches = epochBatches(lengths, 0, { seed: 1, batchSize: 4 });
    expect(batches).toHaveLength(25);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, index) => index));
    // Sorted within runs of 32 sequences: a batch spans a few tokens, not the 190 a random one can.
    const meanSpread = batches.reduce((sum, batch) => sum + spread(batch), 0) / batches.length;
    expect(meanSpread).toBeLessThan(30);
    expect(epochBatches(lengths, 0, { seed: 1, batchSize: 4 })).toEqual(batches);
    expect(epochBatches(lengths, 1, { seed: 1, batchSize: 4 })).not.toEqual(batches);
    expect(epochBatches(lengths, 0, { seed: 2, batchSize: 4 })).not.toEqual(batches);
  });

  it('gives each step its batch: the same whenever asked, the last of an epoch short', async () => {
    const dialogues = await travelDialogues(16);
    const options = tinyTokenOptions();
    const tokenizer = trainDialogueTokenizer(dialogues, options.model.vocabSize);
    const special = specialTokenIds(tokenizer);
    const data = prepareTokenData(dialogues, tokenizer, special, { maxLength: 192 });
    expect(data.transitions).toHaveLength(16);
    expect(data.actions).toBeLessThan(data.tokens);
    expect(data.longestUtterance).toBeGreaterThan(3);
    const plan = createBatchPlan(data, { seed: 3, batchSize: 5, padTokenId: special.endOfText });
    expect([1, 2, 3, 4].map((step) => plan(step).batchSize).sort()).toEqual([1, 5, 5, 5]);
    // Step 7 is planned afresh by another plan, after other steps: the same batch.
    const again = createBatchPlan(data, { seed: 3, batchSize: 5, padTokenId: special.endOfText });
    expect(again(7).tokens).toEqual(plan(7).tokens);
    expect(() => plan(0)).toThrow(TokenDataError);
  });
});
