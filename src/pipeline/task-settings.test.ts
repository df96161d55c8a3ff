import { describe, expect, it } from 'vitest';
import { loadBuiltInTask } from '../tasks/registry.ts';
import { guessingDialogues, guessingSteps, guessingValidationEpisodes, taskSettings } from './task-settings.ts';

describe('taskSettings', () => {
  it('gives guessing tasks the exchange encoder, every feature, the answer chance, more dialogues and more validation personas, instruction no answered words, and leaves the others on the defaults', async () => {
    expect(taskSettings(await loadBuiltInTask('countries'))).toEqual({ encoder: 'dialogue', train: { inputDropout: 0, beliefWeight: 1, steps: guessingSteps, answerChance: true }, dialogues: guessingDialogues, validationEpisodes: guessingValidationEpisodes });
    expect(taskSettings(await loadBuiltInTask('instruction'))).toEqual({ train: { answered: false } });
    for (const name of ['travel', 'persuasion']) expect(taskSettings(await loadBuiltInTask(name))).toEqual({});
  });
});
