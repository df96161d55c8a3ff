/**
 * The belief loss: from each state, predict the hidden persona of the dialogue it came from (the
 * country a user has in mind, what a traveller likes). Imagined data records every persona, so
 * each state of every dialogue, failed or not, says what the answers so far point to; the reward
 * alone says it only at the rare turns where a guess lands. The network's belief head (see
 * network.ts) learns it. A second head learns, from each action of a successful dialogue, which
 * personas that action goes with: the persona of the dialogues where it worked. The prior and Q
 * read how well the two agree: a guess is worth what the state believes of the item it names.
 *
 * A persona is flattened into fields (`kind`, `knowledge.rl`, `unsure`), each a categorical
 * target over the values the data shows; arrays count as one value (their sorted elements).
 *
 * @example
 * personaFields({ item: 'JPN', unsure: ['area'], knowledge: { rl: 1 } })
 * // → Map { 'item' => 'JPN', 'unsure' => 'area', 'knowledge.rl' => '1' }
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from './losses.ts';

/** Fields with more values than this are free text rather than a hidden choice: not predicted. */
const maxValues = 1000;

export const personaFields = (persona: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> => {
  if (persona === null || persona === undefined) return into;
  if (Array.isArray(persona)) into.set(prefix, persona.map(String).sort().join(','));
  else if (typeof persona === 'object') {
    for (const [key, value] of Object.entries(persona)) personaFields(value, prefix === '' ? key : `${prefix}.${key}`, into);
  } else into.set(prefix, String(persona));
  return into;
};

/** Each predicted field's values, and per field the value index of every transition (−1: absent). */
export type BeliefTargets = { fields: { name: string; values: string[] }[]; labels: Int32Array[] };

/** `personas[i]` is the persona of transition i's dialogue. */
export const beliefTargets = (personas: readonly unknown[]): BeliefTargets => {
  const flat = personas.map((persona) => personaFields(persona));
  const seen = new Map<string, Set<string>>();
  for (const fields of flat) for (const [name, value] of fields) (seen.get(name) ?? seen.set(name, new Set()).get(name))?.add(value);
  const fields = [...seen]
    .filter(([, values]) => values.size >= 2 && values.size <= maxValues)
    .map(([name, values]) => ({ name, values: [...values].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const labels = fields.map(({ name, values }) => {
    const index = new Map(values.map((value, i) => [value, i]));
    return Int32Array.from(flat, (fields) => index.get(fields.get(name) ?? '') ?? -1);
  });
  return { fields, labels };
};

/** 1 on the belief values of field `f` of a layout [values, fields], 0 elsewhere: [values]. */
export const fieldMask = (layout: tf.Tensor2D, f: number): tf.Tensor1D => tf.reshape(tf.slice(layout, [0, f], [-1, 1]), [-1]) as tf.Tensor1D;

/**
 * The mean over fields of each field's cross-entropy, on the rows where the field is present;
 * `logits` [rows, values] as a belief head gives them. `only`, if given, keeps the rows it marks
 * (the action head learns from successful dialogues alone).
 */
export const beliefLoss = (logits: tf.Tensor2D, rows: readonly number[], targets: BeliefTargets, only?: Uint8Array): tf.Scalar =>
  tf.tidy(() => {
    let offset = 0;
    const losses = targets.fields.map((field, f) => {
      const all = targets.labels[f] as Int32Array;
      const labels = Int32Array.from(rows, (row) => Math.max(0, all[row] ?? -1));
      const weights = Float32Array.from(rows, (row) => Number((all[row] ?? -1) >= 0 && (only === undefined || only[row] === 1)));
      const slice = tf.slice(logits, [0, offset], [-1, field.values.length]) as tf.Tensor2D;
      offset += field.values.length;
      return crossEntropy(slice, labels, weights);
    });
    return tf.div(tf.addN(losses), losses.length) as tf.Scalar;
  });
