/**
 * The tokens of the dialogue format: role markers, end of turn and end of text, registered as
 * special tokens of a BPE trained on the dialogues, or added to a pretrained GPT-2 tokenizer
 * (whose model then grows rows for them).
 *
 * @example
 * const tokenizer = trainDialogueTokenizer(dialogues, 1024);
 * const special = specialTokenIds(tokenizer); // { user, agent, endOfTurn, endOfText }
 */
import { ReverieError } from '../errors.ts';
import type { Dialogue } from '../data/dialogue.ts';
import type { ByteLevelBpe } from '../lm/bpe.ts';
import { trainBpe } from '../lm/bpe-train.ts';
import type { SpecialTokens } from './transitions.ts';

export const specialTokenText = { endOfText: '<|endoftext|>', user: '<|user|>', agent: '<|agent|>', endOfTurn: '<|end|>' } as const;

export type DialogueSpecialTokens = SpecialTokens & { endOfText: number };

export class VocabularyError extends ReverieError {
  override readonly name = 'VocabularyError';
}

const formatTokens = Object.values(specialTokenText);

/** A BPE of `vocabSize` ids learned from every turn of the dialogues, with the format's tokens. */
export function trainDialogueTokenizer(dialogues: readonly Dialogue[], vocabSize: number): ByteLevelBpe {
  const minimum = 256 + formatTokens.length;
  if (!Number.isInteger(vocabSize) || vocabSize < minimum) {
    throw new VocabularyError(`vocabulary size ${vocabSize} is below the ${minimum} ids of the bytes and the format's tokens`, {
      hint: 'Pass --vocab-size 1024 or so: merges beyond the bytes make sequences shorter and training faster.',
    });
  }
  return trainBpe(
    dialogues.flatMap((dialogue) => dialogue.turns.map((turn) => turn.text)),
    { vocabSize, specialTokens: formatTokens },
  );
}

/** The tokenizer with the format's tokens registered (a pretrained one gets new ids at its end). */
export function withDialogueTokens(tokenizer: ByteLevelBpe): ByteLevelBpe {
  const missing = formatTokens.filter((text) => !tokenizer.specialTokens.has(text));
  return missing.length === 0 ? tokenizer : tokenizer.withSpecialTokens(missing);
}

export function specialTokenIds(tokenizer: ByteLevelBpe): DialogueSpecialTokens {
  return {
    user: tokenizer.specialTokenId(specialTokenText.user),
    agent: tokenizer.specialTokenId(specialTokenText.agent),
    endOfTurn: tokenizer.specialTokenId(specialTokenText.endOfTurn),
    endOfText: tokenizer.specialTokenId(specialTokenText.endOfText),
  };
}
