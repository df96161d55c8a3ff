/**
 * The Bayes-optimal success on `persuasion` for a volunteer who does not know the donor's persona,
 * says one of the data's utterance kinds per turn and reads every reply: an exact expectimax over
 * beliefs (the prior's personas still consistent with every reply so far). It bounds what a learned
 * agent, which can only say the data's utterances one per turn, can reach, e.g. whether ILQL can beat
 * filtered BC by 0.10. Under the same exact priors (whole, train split, test split) it also plays the
 * careful volunteer of persuasion-careful.ts, the task's oracle and the optimum with the persona
 * known; then on the demo's 500 evaluation personas (seed 1000, test split), as evaluateAgent meets them.
 *
 * The donor's synonym choices carry no information, so the model's donor picks the first synonym;
 * the model is checked against the real donor before use. Pressure is never said: a question in its
 * place leaves openness as high or higher and tells at least as much. Ties go to the first action.
 *
 * @example
 * node --import tsx bench/persuasion-bound.ts
 */
import { evaluateAgent, evaluationPersona } from '../src/eval/evaluate.ts';
import { personaKey, personaSplit } from '../src/sim/personas.ts';
import type { AgentFactory, Turn } from '../src/task/types.ts';
import { oraclePersuasionAgent } from '../src/tasks/persuasion/agents.ts';
import { loadPersuasionTask } from '../src/tasks/persuasion/index.ts';
import { samplePersuasionPersona, startingOpenness } from '../src/tasks/persuasion/persona.ts';
import type { PersuasionPersona } from '../src/tasks/persuasion/persona.ts';
import { replay } from '../src/tasks/persuasion/persuasion.ts';
import { readPitch } from '../src/tasks/persuasion/pitch.ts';
import type { PitchReading } from '../src/tasks/persuasion/pitch.ts';
import { createPersuasionUser } from '../src/tasks/persuasion/user.ts';
import { createRng } from '../src/util/rng.ts';
import { carefulVolunteer } from './persuasion-careful.ts';
import { PLEDGE, PRESSURE, advance, bit, checkModel, fixedRng, kinds, names, personas, pitches, prior, reply, step, texts } from './persuasion-model.ts';
import type { Shared } from './persuasion-model.ts';

const started = Date.now();
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const f = (x: number): string => x.toFixed(4);

// The model says the first variant of each kind, so the variants of a kind must read the same.
for (const [name, variants] of kinds)
  if (new Set(variants.map((text) => JSON.stringify(readPitch(text)))).size > 1) say(`WARNING: the variants of "${name}" read differently`);

const historyRng = createRng('persuasion-bound');
checkModel([...texts.keys()].flatMap((a) => [...texts.keys()].map((b) => [a, b, PLEDGE])));
checkModel(Array.from({ length: 150 }, () => Array.from({ length: 7 }, () => historyRng.int(0, texts.length - 1))));
say(`model checked against the real donor (225 two-move and 150 random seven-move histories, all ${personas.length} personas)`);
// The prior is written out by hand; hold each field's share against the task's own sampler.
const sampled = Array.from({ length: 40_000 }, (_, i) => samplePersuasionPersona(createRng(`prior-check-${i}`)));
for (const field of ['stance', 'value', 'second', 'distrust', 'vague', 'patience'] as const)
  for (const level of new Set(personas.map((p) => p[field]))) {
    const exact = personas.reduce((sum, p, i) => sum + (p[field] === level ? (prior[i] as number) : 0), 0);
    const share = sampled.filter((p) => p[field] === level).length / sampled.length;
    if (Math.abs(exact - share) > 0.01) throw new Error(`the prior gives ${field} = ${String(level)} ${exact.toFixed(3)}, the sampler ${share.toFixed(3)}`);
  }
say("prior checked against the task's sampler (each field's shares within 0.01 over 40,000 personas)");

// ---- Expectimax over beliefs. Values are unnormalised: prior mass that ends in a pledge. ----
type Node = { ids: number[]; open: number[]; s: Shared };
type Child = { obs: string; done: boolean; value: number; node: Node };
const keyOf = (n: Node): string => `${n.s.t},${n.s.mask},${n.s.reassured ? 1 : 0}:${String.fromCharCode(...n.ids.flatMap((id, k) => [id + 1, Math.round((n.open[k] as number) * 100) + 1]))}`;

/** The belief after action a, split by the reply; terminal classes carry their pledged mass. */
const children = (n: Node, a: number, weights: readonly number[]): Child[] => {
  const byObs = new Map<string, Child>();
  const next = advance(n.s, a);
  n.ids.forEach((id, k) => {
    const o = step(personas[id] as PersuasionPersona, n.open[k] as number, n.s, a);
    const obs = `${o.answer}/${o.timing}`;
    const child = byObs.get(obs) ?? { obs, done: o.done, value: 0, node: { ids: [], open: [], s: next } };
    byObs.set(obs, child);
    if (o.pledged) child.value += weights[id] as number;
    child.node.ids.push(id);
    child.node.open.push(o.open);
  });
  return [...byObs.values()];
};

type Solved = { value: number; action: number };
/** Optimal play for a prior (weights over personas); with a horizon, a dialogue not ended by then fails. */
const solver = (weights: readonly number[], horizon = Infinity) => {
  const memo = new Map<string, Solved>();
  const solve = (n: Node): Solved => {
    if (n.s.t >= horizon) return { value: 0, action: -1 };
    const key = keyOf(n);
    if (memo.has(key)) return memo.get(key) as Solved;
    let best: Solved = { value: -1, action: -1 };
    let [noopTried, repeatTried] = [false, false];
    for (let a = 0; a < texts.length; a += 1) {
      if (a === PRESSURE) continue;
      const pitch = pitches[a] as PitchReading;
      const isRepeat = pitch.argues.length > 0 && pitch.argues.every((v) => n.s.mask & bit(v));
      if (isRepeat && repeatTried) continue;
      repeatTried ||= isRepeat;
      const split = children(n, a, weights);
      // An utterance that changes nothing and whose answer is the same for everyone is a no-op: try one.
      const stateless = pitch.argues.length === 0 && !pitch.asksPledge && !(pitch.addressesTrust && !n.s.reassured);
      if (stateless && new Set(split.filter((c) => c.obs !== 'leave/').map((c) => c.obs.split('/')[0])).size <= 1) {
        if (noopTried) continue;
        noopTried = true;
      }
      let value = 0;
      for (const c of split) value += c.done ? c.value : solve(c.node).value;
      if (value > best.value + 1e-12) best = { value, action: a };
    }
    memo.set(key, best);
    return best;
  };
  return { solve, memo };
};

/** The root beliefs, split by the opening (which tells whether patience is 3). */
const roots = (ids: readonly number[]): { opening: string; node: Node }[] => {
  const byOpening = new Map<string, Node>();
  for (const id of ids) {
    const opening = reply(personas[id] as PersuasionPersona, []).text;
    const node = byOpening.get(opening) ?? { ids: [], open: [], s: { t: 0, mask: 0, reassured: false } };
    byOpening.set(opening, node);
    node.ids.push(id);
    node.open.push(startingOpenness[(personas[id] as PersuasionPersona).stance]);
  }
  return [...byOpening].map(([opening, node]) => ({ opening, node }));
};
const all = [...personas.keys()];
const mass = (weights: readonly number[]): number => weights.reduce((x, y) => x + y, 0);
type Optimum = { value: number; solve: (n: Node) => Solved; states: number };
const optimumOf = (weights: readonly number[], horizon = Infinity): Optimum => {
  const { solve, memo } = solver(weights, horizon);
  const value = roots(all.filter((id) => (weights[id] as number) > 0)).reduce((sum, r) => sum + solve(r.node).value, 0) / mass(weights);
  return { value, solve, states: memo.size };
};

// ---- Policies played against the real donor (first synonyms), so exact under any prior. ----
type Policy = (persona: PersuasionPersona) => { act(turns: readonly Turn[]): string | Promise<string> };
/** Success under weights over personas, and how often per dialogue each kind is said (`repeat`: an argument made before). */
const expected = async (policy: Policy, weights: readonly number[]): Promise<{ success: number; uses: Map<string, number> }> => {
  const [total, uses] = [mass(weights), new Map<string, number>()];
  let success = 0;
  for (const id of all.filter((i) => (weights[i] as number) > 0)) {
    const [persona, w] = [personas[id] as PersuasionPersona, (weights[id] as number) / total];
    const [user, agent] = [createPersuasionUser(persona, fixedRng()), policy(persona)];
    const turns: Turn[] = [{ role: 'user', text: user.reply([]).text }];
    for (let answer = { done: false, text: '' }; !answer.done && turns.length < 17; ) {
      turns.push({ role: 'agent', text: await agent.act(turns) });
      answer = user.reply(turns);
      turns.push({ role: 'user', text: answer.text });
    }
    const said = turns.filter((turn) => turn.role === 'agent').map((turn) => turn.text);
    if (replay(persona, said).pledged) success += w;
    said.forEach((text, k) => {
      const repeat = readPitch(text).argues.some((v) => said.slice(0, k).some((before) => readPitch(before).argues.includes(v)));
      const kind = repeat ? 'repeat argument' : (names[texts.indexOf(text)] ?? 'oracle pitch').replace(/ (impact|stories|fairness|community|tax)$/, '');
      uses.set(kind, (uses.get(kind) ?? 0) + w);
    });
  }
  return { success, uses };
};

/** A scripted agent as a policy, its synonyms the first ones. */
const scripted =
  (factory: AgentFactory<PersuasionPersona>): Policy =>
  (persona) => {
    const agent = factory({ rng: fixedRng(), persona });
    return { act: async (turns) => (await agent.act(turns)).text };
  };
/** bench/persuasion-careful.ts's volunteer, reassuring without asking about worries first. */
const careful = scripted(carefulVolunteer(false));
/** The task's oracle: knows the persona, makes every argument that moves it and asks, in one turn. */
const oracle = scripted(oraclePersuasionAgent);
/** An optimal policy: it tracks its belief and finds the reply's class among the real donor's possible texts. */
const optimal =
  (weights: readonly number[], solve: (n: Node) => Solved): Policy =>
  () => {
    let [node, last] = [undefined as Node | undefined, -1];
    const said: string[] = [];
    const variants = (id: number): string[] => [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => reply(personas[id] as PersuasionPersona, said, [i, j]).text));
    return {
      act(turns) {
        const heard = turns.at(-1)?.text ?? '';
        const options = node === undefined ? roots(all.filter((id) => (weights[id] as number) > 0)).map((r) => r.node) : children(node, last, weights).map((c) => c.node);
        node = options.find((option) => variants(option.ids[0] as number).includes(heard));
        if (node === undefined) throw new Error(`reply not in the model: ${heard}`);
        // Past a horizon the solver has no move; a dialogue still open then asks.
        const { action } = solve(node);
        last = action < 0 ? PLEDGE : action;
        said.push(texts[last] as string);
        return texts[last] as string;
      },
    };
  };

// ---- The numbers. ----
const task = await loadPersuasionTask();
const idOf = new Map(personas.map((p, id) => [personaKey(p), id]));
const evaluationWeights = all.map(() => 0);
for (let i = 0; i < 500; i += 1) (evaluationWeights[idOf.get(personaKey(evaluationPersona(task, 1000, i, 'test'))) as number] as number) += 1;
const priors: [string, number[]][] = [['whole prior', prior], ...(['train', 'test'] as const).map((split): [string, number[]] => [`${split} split`, prior.map((w, i) => (personaSplit(personas[i]) === split ? w : 0))])];
const testPrior = priors[2]?.[1] as number[];
const header = (columns: string[]): string => columns.map((c, k) => (k === 0 ? c.padEnd(38) : c.padEnd(12))).join('');
const row = async (name: string, policy: Policy): Promise<void> =>
  void say(header([name, ...(await Promise.all([prior, testPrior, evaluationWeights].map(async (w) => f((await expected(policy, w)).success))))]));

say(`\n${header(['success under:', 'whole prior', 'test split', '500 evaluation personas'])}`);
let best: Optimum | undefined;
for (const [name, weights] of [...priors, ['500 evaluation personas (hindsight)', evaluationWeights] as [string, number[]]]) {
  const t0 = Date.now();
  const solved = optimumOf(weights);
  best ??= solved;
  say(`optimum for the ${name}: ${f(solved.value)} (${solved.states} belief states, ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  if (name === 'whole prior' || name === 'train split') await row(`  its policy`, optimal(weights, solved.solve));
}
const optimum = best as Optimum;
// The data's volunteers never say more than five things, so a learner has seen nothing of what a sixth leads to.
const trainPrior = priors[1]?.[1] as number[];
const withinFive = optimumOf(trainPrior, 5);
say(`optimum for the train split within 5 turns (the data's longest dialogues): ${f(withinFive.value)}`);
await row('  its policy', optimal(trainPrior, withinFive.solve));
await row('careful reference (measured 0.588)', careful);
await row('task oracle (measured 0.938)', oracle);
const known = (weights: readonly number[]): string => f(all.reduce((sum, id) => sum + ((weights[id] as number) > 0 ? optimumOf(weights.map((w, j) => (j === id ? w : 0))).value * (weights[id] as number) : 0), 0) / mass(weights));
say(header(['persona known, one utterance a turn', known(prior), known(testPrior), known(evaluationWeights)]));
say(`whole-prior optimum if the pledge must come within K turns: ${[2, 3, 4, 5, 6].map((k) => `K=${k} ${f(optimumOf(prior, k).value)}`).join(', ')}`);
const optimalPlay = await expected(optimal(prior, optimum.solve), prior);
if (Math.abs(optimalPlay.success - optimum.value) > 1e-9) throw new Error(`the optimal policy against the real donor gets ${optimalPlay.success}, not ${optimum.value}`);
const usage = (uses: Map<string, number>): string => [...uses].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n.toFixed(2)}`).join(', ');
say(`\nutterances per dialogue under the whole prior\n  optimal: ${usage(optimalPlay.uses)}\n  careful: ${usage((await expected(careful, prior)).uses)}`);

// ---- The whole-prior optimal policy's first three moves. ----
const tree = (n: Node, depth: number, indent: string, said: string[]): void => {
  const { value, action } = optimum.solve(n);
  const here = mass(n.ids.map((id) => prior[id] as number));
  say(`${indent}→ ${value > 0 ? names[action] : 'anything (no pledge possible)'}  [P ${f(here / mass(prior))}, success from here ${f(value / here)}]`);
  if (depth === 0 || value === 0) return;
  for (const c of children(n, action, prior)) {
    const w = mass(c.node.ids.map((id) => prior[id] as number));
    say(`${indent}   "${reply(personas[c.node.ids[0] as number] as PersuasionPersona, [...said, texts[action] as string]).text}" (${f(w / here)})${c.done ? ` ends: pledge ${f(c.value / w)}` : ''}`);
    if (!c.done) tree(c.node, depth - 1, `${indent}      `, [...said, texts[action] as string]);
  }
};
for (const r of roots(all)) {
  say(`\nopening "${r.opening}"`);
  tree(r.node, 2, '', []);
}

// ---- As a real agent in the demo's evaluation, the donor's synonyms random again. ----
const policy = optimal(prior, optimum.solve);
const factory: AgentFactory<PersuasionPersona> = ({ persona }) => ((agent) => ({ name: 'bayes-optimal', act: async (turns: readonly Turn[]) => ({ text: await agent.act(turns) }) }))(policy(persona));
const result = await evaluateAgent(task, 'bayes-optimal', factory, { episodes: 500, seed: 1000, split: 'test' });
say(`\nwhole-prior optimal agent by evaluateAgent, 500 test personas: success ${f(result.success.mean)} [${f(result.success.low)}, ${f(result.success.high)}], ${result.turns.toFixed(2)} turns`);
say(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
