/**
 * Small inputs for token-level tests: a few imagined travel dialogues and training options for a
 * model small enough that a step takes milliseconds.
 *
 * @example
 * const dialogues = await travelDialogues(12);
 * const options = tinyTokenOptions({ algorithm: 'token-bc', steps: 20 });
 */
import type { Dialogue } from '../../src/data/dialogue.ts';
import { imagineDialogue } from '../../src/imagine/offline.ts';
import { loadBuiltInTask } from '../../src/tasks/registry.ts';
import { tokenTrainOptions } from '../../src/token/train-options.ts';
import type { TokenTrainOptions, TokenTrainOptionsInput } from '../../src/token/train-options.ts';

export const travelDialogues = async (count: number, seed = 1): Promise<Dialogue[]> => {
  const task = await loadBuiltInTask('travel');
  return Promise.all(Array.from({ length: count }, (_, index) => imagineDialogue(task, seed, index)));
};

export const tinyTokenOptions = (overrides: TokenTrainOptionsInput = {}): TokenTrainOptions =>
  tokenTrainOptions({
    steps: 4,
    batchSize: 4,
    learningRate: 3e-3,
    saveEvery: 0,
    ...overrides,
    model: { layers: 1, embd: 32, heads: 2, vocabSize: 300, maxLength: 192, ...overrides.model },
    ilql: { ...overrides.ilql },
  });
