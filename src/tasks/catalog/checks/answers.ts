/**
 * Reads back every question an agent of the catalog can ask, the way the simulated user will,
 * and checks the whole answer, not only that the question is understood: it must not read as a
 * guess, it must be about the intended attribute and value (or comparison), it must not also be
 * answered as a question about something else, and for every item of a guessing catalog the
 * user's yes or no must be the truth about the intended value.
 *
 * @example
 * answerProblems(catalog) // → [{ message: '"Is it worn on the feet?" (fit = feet) gets 12 wrong answers, e.g. Hat: "Yes, on the body."', … }]
 */
import { createRng } from '../../../util/rng.ts';
import { answerQuestion } from '../guess/user.ts';
import type { Catalog, CatalogAttribute, GuessingCatalog } from '../model.ts';
import { attributeNamed, holds, knows } from '../model.ts';
import { joinOptions } from '../phrase.ts';
import type { Problem } from '../problems.ts';
import { agentQuestions } from '../questions.ts';
import type { AgentQuestion } from '../questions.ts';
import { readAgentText } from '../reading.ts';
import type { Question } from '../reading.ts';

const comparisonHint = 'The user reads a comparison as "over", "above", "more than", "bigger than", "under", "below", "less than", "at least" or "at most" followed by a number, in digits or words ("Is its latitude above {number}?").';

const about = (question: AgentQuestion): string =>
  `${question.attribute}${question.value !== undefined ? ` = ${question.value}` : question.threshold !== undefined ? ` > ${question.threshold}` : ''}`;

const asksHint = (attribute: CatalogAttribute): string =>
  attribute.asks.length > 0 ? `say one of ${attribute.name}'s \`asks\` words in it` : `give ${attribute.name} \`asks\` words (like "${attribute.name}") and say one in it`;

/** The user's answer to one reading of the question, as a person sure of everything. */
const sampleAnswer = (catalog: GuessingCatalog, itemIndex: number, asked: readonly Question[]): string => {
  const item = catalog.items[itemIndex];
  if (item === undefined) return '';
  const rng = createRng(0);
  return asked.slice(0, 2).map((question) => answerQuestion(rng, catalog, { item: item.id, unsure: [], patience: 100 }, item, question)).join(' ');
};

/** For a value question: the items whose yes or no differs from the truth about the intended value. */
const wrongItems = (catalog: GuessingCatalog, attribute: CatalogAttribute, question: AgentQuestion, read: Question): number[] =>
  catalog.items.flatMap((item, index) => {
    if (question.value === undefined || !knows(item, attribute.name)) return [];
    const truth = holds(attribute, item, question.value);
    const said = read.offered.some((value) => (item.values[attribute.name] ?? []).includes(value));
    return truth === said ? [] : [index];
  });

const guessingProblems = (catalog: GuessingCatalog, question: AgentQuestion, asked: readonly Question[], mine: Question): Problem[] => {
  const attribute = attributeNamed(catalog, question.attribute);
  const at = question.origin;
  const problem = (message: string, hint: string): Problem[] => [{ severity: 'error', path: at, message, hint }];
  if (question.threshold !== undefined) {
    if (mine.compare === undefined) return problem(`the user cannot answer "${question.text}" (${about(question)}): it reads no comparison, so they reply "I'll only answer yes or no."`, comparisonHint);
    if (mine.compare.value !== question.threshold) return problem(`"${question.text}" reads the number as ${mine.compare.value}, not ${question.threshold}`, comparisonHint);
  } else if (question.value !== undefined) {
    if (mine.offered.length === 0) {
      return problem(
        `the user cannot answer "${question.text}" (${about(question)}): it names no value of ${attribute.name}, so they reply "I'll only answer yes or no."`,
        `The question must name the value: put {words} in the template, or add the words it uses to ${question.value}'s \`recognise\`.`,
      );
    }
    if (!mine.offered.includes(question.value)) {
      return problem(`"${question.text}" reads as a question about ${attribute.name} = ${mine.offered.join(', ')}, not ${question.value}`, `Add the words it uses for ${question.value} to that value's \`recognise\`, and check the other value's words.`);
    }
  }
  // Open questions only ever get "Please ask me a yes-or-no question."
  if (question.value === undefined && question.threshold === undefined) return [];
  const extra = asked.filter((each) => each !== mine && !(each.attribute === attribute.within && each.offered.length > 0));
  const first = extra[0];
  if (first !== undefined) {
    const example = sampleAnswer(catalog, 0, asked);
    const what = first.offered.length > 0 ? `${first.attribute} = ${first.offered.join(', ')}` : `${first.attribute} (a word of its \`asks\`)`;
    return problem(
      `"${question.text}" (${about(question)}) is also read as a question about ${what}, so it gets two answers (${catalog.items[0]?.name}: "${example}")`,
      first.offered.length > 0
        ? `Reword the question or drop the shared word from ${first.attribute}'s values; if every value of ${attribute.name} lies inside one ${first.attribute}, declare \`within: ${first.attribute}\` on ${attribute.name}.`
        : `Reword the question, or drop the word from ${first.attribute}'s \`asks\`.`,
    );
  }
  const wrong = wrongItems(catalog, attribute, question, mine);
  const firstWrong = wrong[0];
  if (firstWrong === undefined) return [];
  const others = mine.offered.filter((value) => value !== question.value);
  return problem(
    `"${question.text}" (${about(question)}) gets ${wrong.length} wrong answer${wrong.length === 1 ? '' : 's'}, e.g. ${catalog.items[firstWrong]?.name}: "${sampleAnswer(catalog, firstWrong, asked)}"`,
    others.length > 0
      ? `It is also read as ${joinOptions(others.map((value) => `${attribute.name} = ${value}`), 'and')}: remove the shared word from that value's words or \`recognise\`; if an item with ${others[0]} should answer yes to ${question.value} too, write \`countsAs: [${question.value}]\` on ${others[0]} instead.`
      : 'Check the item data of the values asked about.',
  );
};

export const answerProblems = (catalog: Catalog): Problem[] =>
  agentQuestions(catalog).flatMap((question): Problem[] => {
    const attribute = attributeNamed(catalog, question.attribute);
    const at = question.origin;
    const reading = readAgentText(catalog, question.text);
    if (reading.items.length > 0) {
      const names = joinOptions(reading.items.map((item) => item.name), 'and');
      const as = catalog.family === 'guessing' ? 'a guess of' : 'a recommendation of';
      return [
        {
          severity: 'error',
          path: at,
          message: `"${question.text}" reads as ${as} ${names}, not as a question about ${about(question)}`,
          hint: `A name in a question makes it ${as} that item. To keep it a question, ${asksHint(attribute)}${question.value === undefined ? '' : `, or give ${question.value} its own \`ask\` wording`}.`,
        },
      ];
    }
    const index = reading.asked.findIndex((each) => each.attribute === question.attribute);
    const mine = reading.asked[index];
    const understood = mine !== undefined && (question.value === undefined || catalog.family === 'guessing' || mine.offered.includes(question.value) || mine.compare !== undefined);
    if (!understood) {
      return [
        {
          severity: 'error',
          path: at,
          message: `the user simulator would not understand "${question.text}" as a question about ${about(question)}`,
          hint:
            question.threshold !== undefined
              ? `${comparisonHint} With more than one numeric attribute, also say a word of ${attribute.name}'s \`asks\`.`
              : `The user reads a question about ${attribute.name} by its values' words and \`recognise\`, or by a word of its \`asks\`: add the words this question uses to one of them.`,
        },
      ];
    }
    if (index >= 2) {
      return [
        {
          severity: 'error',
          path: at,
          message: `"${question.text}" is read as questions about ${reading.asked.map((each) => each.attribute).join(', ')}; the user answers only the first two`,
          hint: `Reword the question so that it names only ${attribute.name}, or drop the shared words from the other attributes.`,
        },
      ];
    }
    return catalog.family === 'guessing' ? guessingProblems(catalog, question, reading.asked, mine) : [];
  });
