/**
 * What an author needs to know about a catalog that loads: its items and attributes, the items
 * no sequence of questions can tell apart (they answer every question alike), and every
 * question the simulated user understands, each with one example answer.
 *
 * @example
 * summariseCatalog(catalog).join('\n')
 * // → 'guessing catalog: 194 items, 7 attributes …\n  "Is it in Europe?" → France: "Yes, Europe."'
 */
import { createRng } from '../../util/rng.ts';
import { askables } from './guess/knowledge.ts';
import { answerQuestion } from './guess/user.ts';
import type { Catalog, CatalogItem, GuessingCatalog } from './model.ts';
import { holds, valuesOf } from './model.ts';
import { agentQuestions } from './questions.ts';
import type { AgentQuestion } from './questions.ts';
import { readAgentText } from './reading.ts';

/** Items whose answers to every question agents can ask are the same, largest groups first. */
export const identicalGroups = (catalog: Catalog): CatalogItem[][] => {
  const questions = catalog.family === 'guessing' ? askables(catalog) : [];
  const signature = (item: CatalogItem): string =>
    catalog.family === 'guessing'
      ? questions.map((askable) => String(askable.test(item))).join()
      : catalog.attributes.map((attribute) => valuesOf(item, attribute.name).join('+')).join('|');
  const groups = new Map<string, CatalogItem[]>();
  for (const item of catalog.items) {
    const key = signature(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()].filter((group) => group.length > 1).sort((a, b) => b.length - a.length);
};

/** One answer to a guessing question, from an item it is true of when there is one. */
const exampleAnswer = (catalog: GuessingCatalog, question: AgentQuestion): string => {
  const reading = readAgentText(catalog, question.text);
  const attribute = catalog.attributes.find((each) => each.name === question.attribute);
  const number = (item: CatalogItem): number | undefined => item.numbers[question.attribute];
  const fits = (item: CatalogItem): boolean =>
    attribute === undefined ? false : question.value !== undefined ? holds(attribute, item, question.value) : question.threshold !== undefined ? (number(item) ?? -Infinity) > question.threshold : true;
  const item = catalog.items.find(fits) ?? catalog.items[0];
  if (item === undefined) return '';
  const rng = createRng(0);
  const answer = reading.asked.slice(0, 2).map((each) => answerQuestion(rng, catalog, { item: item.id, unsure: [], patience: 100 }, item, each)).join(' ');
  return `${item.name}: "${answer}"`;
};

const list = (items: readonly CatalogItem[], most = 6): string =>
  `${items.slice(0, most).map((item) => item.name).join(', ')}${items.length > most ? ` and ${items.length - most} more` : ''}`;

export const summariseCatalog = (catalog: Catalog): string[] => {
  const groups = identicalGroups(catalog);
  const tied = groups.reduce((sum, group) => sum + group.length, 0);
  const questions = agentQuestions(catalog);
  return [
    `${catalog.family} catalog "${catalog.spec.name}": ${catalog.items.length} items, ${catalog.attributes.length} attributes`,
    `attributes: ${catalog.attributes.map((attribute) => `${attribute.name} (${attribute.type}, ${attribute.values.length} ${attribute.type === 'numeric' ? 'buckets' : 'values'})`).join(', ')}`,
    groups.length === 0
      ? 'every item can be told apart by questions'
      : `${tied} items in ${groups.length} groups answer every question alike, so no questions tell them apart: ${groups
          .slice(0, 5)
          .map((group) => `[${list(group, 4)}]`)
          .join(' ')}${groups.length > 5 ? ' …' : ''}`,
    `${questions.length} questions the simulated user understands${catalog.family === 'guessing' ? ', each with one example answer' : ''}:`,
    ...questions.map((question) => {
      const what = `${question.attribute}${question.value !== undefined ? ` = ${question.value}` : question.threshold !== undefined ? ` > ${question.threshold}` : ' (open)'}`;
      return catalog.family === 'guessing' ? `  "${question.text}" (${what}) → ${exampleAnswer(catalog, question)}` : `  "${question.text}" (${what})`;
    }),
  ];
};
