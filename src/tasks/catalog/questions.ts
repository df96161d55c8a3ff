/**
 * Every question an agent of a catalog can ask, as text: open questions, option questions,
 * yes/no questions about each value and threshold questions about numbers. The loader reads
 * each one back to prove the user simulator understands it; the scripted agents say them.
 *
 * @example
 * agentQuestions(catalog).map((question) => question.text) // → ['Is it in Europe?', 'Is its area over 100,000 square kilometres?', …]
 */
import type { Path } from './errors.ts';
import type { Catalog, CatalogAttribute, CatalogValue } from './model.ts';
import { formatNumber } from './numbers.ts';
import { fill } from './phrase.ts';

export type AgentQuestion = { text: string; attribute: string; value?: string; threshold?: number; origin: Path };

/** Where a value is declared in the file. */
export const valuePath = (attribute: CatalogAttribute, value: CatalogValue): Path => ['attributes', attribute.name, attribute.type === 'numeric' ? 'buckets' : 'values', value.name];

export const usualWords = (value: CatalogValue): string => value.words[0] ?? value.name;

export const valueQuestion = (template: string, value: CatalogValue): string => fill(template, { words: usualWords(value) });

export const thresholdQuestion = (template: string, threshold: number): string => fill(template, { number: formatNumber(threshold) });

const guessingQuestions = (attribute: CatalogAttribute): AgentQuestion[] => {
  const at = (key: string, index: number): Path => ['attributes', attribute.name, key, index];
  return [
    ...attribute.ask.flatMap((template, index) =>
      attribute.values.filter((value) => value.ask === undefined).map((value) => ({ text: valueQuestion(template, value), attribute: attribute.name, value: value.name, origin: at('ask', index) })),
    ),
    ...attribute.values.flatMap((value) =>
      (value.ask ?? []).map((template, index) => ({ text: valueQuestion(template, value), attribute: attribute.name, value: value.name, origin: [...valuePath(attribute, value), 'ask', index] })),
    ),
    ...attribute.compare.flatMap((template, index) =>
      attribute.thresholds.map((threshold) => ({ text: thresholdQuestion(template, threshold), attribute: attribute.name, threshold, origin: at('compare', index) })),
    ),
  ];
};

export const agentQuestions = (catalog: Catalog): AgentQuestion[] =>
  catalog.attributes.flatMap((attribute) => [
    ...attribute.questions.map((text, index) => ({ text, attribute: attribute.name, origin: ['attributes', attribute.name, 'questions', index] as Path })),
    ...(catalog.family === 'guessing'
      ? guessingQuestions(attribute)
      : catalog.options.flatMap((template, index) =>
          attribute.values.map((value) => ({ text: fill(template, { options: usualWords(value) }), attribute: attribute.name, value: value.name, origin: ['phrasing', 'options', index] as Path })),
        )),
  ]);
