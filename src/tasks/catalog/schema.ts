/**
 * The catalog file as written: items with typed attributes, how each attribute and value is
 * phrased, how hidden personas are drawn, and the task spec. This is the shape check only;
 * load.ts adds the checks that need the whole file (declared values, duplicate ids, phrasing
 * the simulator needs) and compiles it.
 *
 * @example
 * catalogFileSchema.parse(parseYaml(text)) // → { family: 'guessing', attributes: {…}, … }
 */
import { z } from 'zod';

const text = z.string().min(1);
const texts = z.array(text).min(1);
const probability = z.number().min(0).max(1);

/** One way to recognise a value in text: a word or phrase matched as whole words, or a `/regex/`. */
const recogniser = text;

export const valueSpecSchema = z
  .object({
    /** How people say the value; the first is the usual phrase (agents use it, users pick among all). */
    words: texts.optional(),
    /** More ways to recognise the value in text, beside `words`. */
    recognise: z.array(recogniser).optional(),
    /** The value's name in an agent's recommendation ("a relaxed indoor {kind}"); defaults to the value. */
    label: text.optional(),
    /** Recommendation: how a user states this value as their preference; overrides the attribute's `user.says`. */
    says: texts.optional(),
    /** Numeric buckets: the bucket holds numbers below this bound (the last bucket has none). */
    below: z.number().optional(),
    /** guessing: this value's own yes/no questions, instead of the attribute's `ask`; `[]` asks none (a yes/no attribute asked from one side). */
    ask: z.array(text).optional(),
    /** Values of the same attribute this one counts as: a question about them holds for this one too, and reads it (Swiss German counts as German). */
    countsAs: z.array(text).optional(),
    /** guessing: the answers to a question about this value alone, instead of the attribute's `answers` ("Yes, you can eat it."). */
    answers: z
      .object({ yes: z.array(z.string().min(1)).min(1).optional(), no: z.array(z.string().min(1)).min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

/** guessing: how the user answers a question about the attribute, with {words} (the values asked about, or the comparison). */
const answersSchema = z
  .object({
    /** The item has the value; must start with "Yes". */
    yes: texts.optional(),
    /** The item does not; must start with "No". */
    no: texts.optional(),
    /** The persona does not know (persona.unsure). */
    unsure: texts.optional(),
    /** The item's data says nothing about the attribute ("what colour is a car?"). */
    missing: texts.optional(),
  })
  .strict();

/** Values are listed by name, or mapped to how each is phrased. */
const valuesSchema = z.union([z.array(text).min(1), z.record(text, valueSpecSchema.nullable())]);

export const attributeSpecSchema = z
  .object({
    type: z.enum(['categorical', 'numeric', 'boolean', 'set']),
    /** categorical and set: the values; boolean: phrasing of `yes` and `no`. */
    values: valuesSchema.optional(),
    /** numeric: the range numbers must lie in, and the words each bucket is called by. */
    range: z.tuple([z.number(), z.number()]).optional(),
    buckets: valuesSchema.optional(),
    /** numeric: thresholds agents may ask about ("over 100,000"); default the bucket bounds. */
    thresholds: z.array(z.number()).optional(),
    /** Words that show a question about this attribute without naming a value ("budget", "area"). */
    asks: z.array(recogniser).default([]),
    /** Open questions about the attribute, as agents ask them. */
    questions: z.array(text).default([]),
    /** guessing: yes/no question templates about one value, with {words}. */
    ask: texts.optional(),
    /** guessing, numeric: threshold question templates, with {number}. */
    compare: texts.optional(),
    /** guessing: every value lies inside one value of this other attribute (subregion within region), so a question about it may answer that one too. */
    within: text.optional(),
    /** guessing: the user's answers, instead of "Yes, {words}." and "No, not {words}.". */
    answers: answersSchema.optional(),
    /** recommendation: the attribute's share of the judge's score. */
    weight: z.number().min(0).optional(),
    /** recommendation: `exact` wants one value; `ceiling` (ordered values, like a budget) accepts anything up to it. */
    preference: z.enum(['exact', 'ceiling']).default('exact'),
    /** recommendation, ceiling: partial credit for an item above the persona's ceiling, {ceiling: {value: fit}}; default 0. */
    fit: z.record(text, z.record(text, probability)).optional(),
    /** recommendation: how the user talks about this attribute. */
    user: z
      .object({
        /** Stating a preference, with {words}. */
        says: texts.optional(),
        /** Saying they have no preference; agents read these sentences as indifference. */
        any: texts.optional(),
        /** A vague user's answer to an open question. */
        vague: texts.optional(),
      })
      .strict()
      .optional(),
    /** How a persona's preference reads in a description, with {value}; and when they have none. */
    describe: text.optional(),
    describeAny: text.optional(),
  })
  .strict();

const pathSchema = text;
const fieldSchema = z.union([
  pathSchema,
  z
    .object({
      path: pathSchema,
      /** `value` (default) takes the field as it is; `keys`/`values` take an object's keys or values as a set. */
      take: z.enum(['value', 'keys', 'values']).default('value'),
      /** What to do with a data value the attribute does not declare: stop with an error (default) or leave it out. */
      others: z.enum(['error', 'ignore']).default('error'),
    })
    .strict(),
]);

export const sourceSchema = z
  .object({
    /** An installed npm package whose main export is a list of records (e.g. world-countries). */
    package: text.optional(),
    /** Or a JSON file of records, relative to the catalog file. */
    file: text.optional(),
    /** Keep only records whose fields equal these values. */
    where: z.record(text, z.union([z.string(), z.number(), z.boolean()])).default({}),
    id: pathSchema,
    name: pathSchema,
    aliases: z.array(pathSchema).default([]),
    description: pathSchema.optional(),
    /** attribute → dotted path into a record (`latlng.0`), or a path with how to take it. */
    fields: z.record(text, fieldSchema),
  })
  .strict();

const itemValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]);
export const itemSchema = z.record(text, itemValue);

const recommendationPersonaSchema = z
  .object({
    /**
     * Personas are drawn around a real item: each attribute keeps the item's value with this
     * chance (or per item value), else the persona has no preference. Drawn in the order listed.
     */
    keep: z.record(text, z.union([probability, z.record(text, probability)])),
    vague: probability.default(0.5),
    patience: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  })
  .strict();

const guessingPersonaSchema = z
  .object({
    /** Chance the user does not know an attribute of their item and answers "I'm not sure". */
    unsure: z.record(text, probability).default({}),
    patience: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  })
  .strict();

const common = {
  /** The task spec: a YAML file relative to this one, or the spec's fields here. */
  task: z.union([text, z.record(z.string(), z.unknown())]),
  items: z.array(itemSchema).min(1).optional(),
  source: sourceSchema.optional(),
  attributes: z.record(text, attributeSpecSchema),
  /** Weights of the behaviour agents that write the imagined data; those left out keep their default. */
  behaviours: z.record(text, z.number().min(0)).optional(),
  /** The naive agent picks among the items whose attributes have these values (default all items). */
  naive: z.object({ where: z.record(text, z.union([z.string(), z.number(), z.boolean()])) }).strict().optional(),
};

export const recommendationFileSchema = z
  .object({
    family: z.literal('recommendation'),
    ...common,
    persona: recommendationPersonaSchema,
    /** Most items a user weighs at once; more and they ask the agent to choose. */
    maxOffered: z.number().int().min(1).default(3),
    phrasing: z
      .object({
        openings: texts,
        /** The user's reply to text they cannot read. */
        confused: text,
        /** What an item is called, singular and plural, in judgements ("no activity was recommended"). */
        noun: z.tuple([text, text]).default(['item', 'items']),
        /** Agents offering values, with {options}. */
        options: texts,
        /** Agents recommending an item, with {name}, {description} and each attribute's label. */
        recommend: texts,
      })
      .strict(),
  })
  .strict();

export const guessingFileSchema = z
  .object({
    family: z.literal('guessing'),
    ...common,
    persona: guessingPersonaSchema,
    phrasing: z
      .object({
        openings: texts,
        confused: text,
        /** Agents guessing an item, with {name} (or {a name}, with "a" or "an"), {description} and each attribute's words for the item ({region}). */
        guess: texts,
      })
      .strict(),
  })
  .strict();

export const catalogFileSchema = z.discriminatedUnion('family', [recommendationFileSchema, guessingFileSchema]);

export type CatalogFile = z.infer<typeof catalogFileSchema>;
export type RecommendationFile = z.infer<typeof recommendationFileSchema>;
export type GuessingFile = z.infer<typeof guessingFileSchema>;
export type AttributeSpec = z.infer<typeof attributeSpecSchema>;
export type ValueSpec = z.infer<typeof valueSpecSchema>;
export type SourceSpec = z.infer<typeof sourceSchema>;
