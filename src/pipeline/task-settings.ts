/**
 * Settings the demo and the quality bench use per built-in task family, where measurements showed
 * that the general defaults do not suit it. Guessing tasks must combine many answers: a state
 * encoder that reads each exchange apart, and every feature kept while training (dropping half of
 * them hides half the answers a guess has to fit). Any flag a person passes wins over these.
 *
 * @example
 * const settings = taskSettings(task); // → { encoder: 'dialogue', train: { inputDropout: 0 } } for a guessing task
 */
import type { OfflineEmbedderKind } from '../embed/embedder.ts';
import type { TrainOptions } from '../rl/train.ts';
import type { TaskSimulator } from '../task/types.ts';

export type TaskSettings = { encoder?: OfflineEmbedderKind; train?: Partial<Omit<TrainOptions, 'algorithm' | 'seed'>> };

/** Guessing tasks are the ones that review guesses against the answers (see tasks/catalog/guess). */
export const taskSettings = (task: Pick<TaskSimulator<unknown>, 'reviewGuesses'>): TaskSettings =>
  task.reviewGuesses === undefined ? {} : { encoder: 'dialogue', train: { inputDropout: 0 } };
