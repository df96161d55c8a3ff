/**
 * The options of offline training (see train.ts): which algorithm, the network's size, the ILQL
 * constants and the belief's parts, with their defaults and the checks that name a bad value.
 *
 * @example
 * const options: TrainOptions = { ...defaultTrainOptions, algorithm: 'mc', steps: 6000 };
 */
import { ReverieError } from '../errors.ts';

export type Algorithm = 'ilql' | 'mc' | 'bc' | 'fbc';

/** Algorithms that learn Q and V and act by advantage. */
export const valueAlgorithms: readonly Algorithm[] = ['ilql', 'mc'];
export const isValueAlgorithm = (algorithm: string): boolean => (valueAlgorithms as readonly string[]).includes(algorithm);

export type TrainOptions = {
  algorithm: Algorithm;
  hidden: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Discount γ. */
  gamma: number;
  /** Expectile τ of the V regression. */
  expectile: number;
  /** Polyak rate ρ of the target Q heads. */
  polyak: number;
  cqlWeight: number;
  /** Weight of the behaviour-model loss inside ILQL. */
  policyWeight: number;
  /**
   * What the prior of ILQL and MC learns from: `all` (the behaviour policy π_β, as in ILQL) or
   * `successes` (filtered BC, on a batch of successful rows of its own each step). The prior only
   * proposes the k candidates and adds log π to each score; Q and V always learn from every
   * transition. Proposals from successes measured better on validation personas (ILQL success,
   * β 16 / 64, 300 episodes): travel 0.667 / 0.630 against 0.643 / 0.660, instruction 0.887 /
   * 0.887 against 0.670 / 0.680, persuasion 0.543 / 0.597 against 0.497 / 0.563.
   */
  prior: 'all' | 'successes';
  /** Library actions drawn per step as the conservative term's alternatives. */
  negatives: number;
  /**
   * Share of state features dropped (per row, per step) while training. Bag-of-n-gram states let
   * small networks memorise whole dialogues; dropping features forces them to rely on many.
   * Utterances are left whole: they come from a finite library seen many times, and the taken
   * utterance and its alternatives must look alike, or the conservative term can tell them
   * apart by their scaling alone.
   */
  inputDropout: number;
  /**
   * Weight of the belief loss. Above 0, the network gets a belief head that predicts each
   * dialogue's hidden persona from the state (see belief.ts), and the prior and Q read its
   * distribution; 0 leaves both out.
   */
  beliefWeight: number;
  /**
   * The prior's and Q's wide terms also read how the user answered each word a candidate says
   * again (see embed/answered.ts): an offer the user turned down, a guess the answers ruled out.
   */
  answered: boolean;
  /**
   * With a belief, it reads answer evidence (each asked word with the reply sentence's opener that
   * answers it, see embed/evidence.ts) rather than the state's features. Off: the belief of
   * networks trained before it, for comparison.
   */
  beliefEvidence: boolean;
  /** With a belief, V also reads how sure it is (see values in network.ts). */
  valueBelief: boolean;
  /**
   * With a belief, value learners also learn an answer model, P(yes | utterance, persona value),
   * and Q reads how much each candidate's answer would tell about each persona field under the
   * state's belief (see answers.ts).
   */
  informationGain: boolean;
  /**
   * With a belief, every learner also learns the answer model, and the prior reads how much each
   * candidate's answer would tell under the state's belief: a behaviour model can then learn that
   * the successful dialogues ask questions that split the items still possible.
   */
  priorInformation: boolean;
  /**
   * With a belief, every learner also learns whether the user answers each utterance with a yes or
   * a no at all, P(answer | utterance, persona value) (see answers.ts). Nothing in training reads
   * it, so every other weight trains as without it; agents use it to skip a candidate the state's
   * belief says will go unanswered (a question about what the user said they do not know).
   */
  answerChance: boolean;
  /** λ of ILQL's Q target (1 − λ)·(r + γV(s′)) + λ·G_t, mixing in each transition's Monte-Carlo return; 0 is ILQL's own. */
  returnMix: number;
  seed: number;
};

/** Defaults from the ILQL reference configs (γ, τ, ρ), sized to train in seconds on a CPU. */
export const defaultTrainOptions: TrainOptions = {
  algorithm: 'ilql',
  hidden: 64,
  steps: 3000,
  batchSize: 128,
  learningRate: 1e-3,
  gamma: 0.99,
  expectile: 0.7,
  polyak: 0.005,
  // The conservative term pushes down Q of utterances the data did not take in a state; at the
  // utterance level most of those are reasonable replies, so it flattens Q toward imitation
  // (0.40 success against 0.72 without it on travel). Acting already stays in the data's support,
  // choosing among the behaviour model's top k, which is the constraint ILQL needs here.
  cqlWeight: 0,
  policyWeight: 1,
  prior: 'successes',
  negatives: 8,
  inputDropout: 0.5,
  seed: 0,
  beliefWeight: 0,
  answered: true,
  beliefEvidence: true,
  valueBelief: false,
  informationGain: false,
  priorInformation: false,
  answerChance: false,
  returnMix: 0,
};

export class TrainOptionsError extends ReverieError {
  override readonly name = 'TrainOptionsError';
}

export const checkOptions = (options: TrainOptions): void => {
  const problems = [
    !Number.isInteger(options.steps) || options.steps < 1 ? `steps must be a positive integer (got ${options.steps})` : '',
    !Number.isInteger(options.batchSize) || options.batchSize < 1 ? `batch size must be a positive integer (got ${options.batchSize})` : '',
    options.expectile <= 0 || options.expectile >= 1 ? `expectile must lie strictly between 0 and 1 (got ${options.expectile})` : '',
    options.gamma < 0 || options.gamma > 1 ? `gamma must lie in [0, 1] (got ${options.gamma})` : '',
    options.inputDropout < 0 || options.inputDropout >= 1 ? `input dropout must lie in [0, 1) (got ${options.inputDropout})` : '',
    options.polyak <= 0 || options.polyak > 1 ? `polyak rate must lie in (0, 1] (got ${options.polyak})` : '',
    !(options.returnMix >= 0 && options.returnMix <= 1) ? `return mix must lie in [0, 1] (got ${options.returnMix})` : '',
  ].filter((problem) => problem !== '');
  if (problems.length > 0) throw new TrainOptionsError(`invalid training options: ${problems.join('; ')}`, { hint: 'Fix the flags named above.' });
};

