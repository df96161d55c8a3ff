/**
 * An agent from a loaded checkpoint: ILQL chooses by advantage, BC and filtered BC follow π_β.
 * The checkpoint's config names the embedder it was trained with (kind, version, dimension, model);
 * acting with any other embedder would feed the networks features they never saw, so it is
 * refused here rather than producing quiet nonsense.
 *
 * @example
 * const agent = createCheckpointAgent(await loadCheckpoint(dir), { name: 'ilql', k: 16, beta: 4 });
 * const factory = checkpointAgentFactory('ilql', await loadCheckpoint(dir), { k: 16, beta: 4 }); // for evaluateAgent
 */
import { createEmbedder, describeEmbedder, sameEmbedder } from '../embed/create.ts';
import type { Embedder, EmbedderConfig } from '../embed/embedder.ts';
import { ReverieError } from '../errors.ts';
import type { LoadedCheckpoint } from '../rl/checkpoint.ts';
import type { Agent, AgentFactory } from '../task/types.ts';
import { isValueAlgorithm } from '../rl/train.ts';
import { createValueAgent } from './value-agent.ts';
import type { Proposer } from './value-agent.ts';
import type { ActingOptions } from './spec.ts';

export class EmbedderMismatchError extends ReverieError {
  override readonly name = 'EmbedderMismatchError';
  readonly trained: EmbedderConfig;
  /** The embedder given, or the description of the encoder asked for (`--encoder`). */
  readonly given: EmbedderConfig | string;

  constructor(trained: EmbedderConfig, given: EmbedderConfig | string, where: string) {
    super(`${where}: trained with the ${describeEmbedder(trained)} embedder, asked to act with ${typeof given === 'string' ? given : describeEmbedder(given)}`, {
      hint: 'Act with the embedder the checkpoint was trained with (leave the embedder out to use it), or train again with the other one.',
    });
    this.trained = trained;
    this.given = given;
  }
}

/** Throws EmbedderMismatchError unless `given` is the embedder the checkpoint was trained with. */
export const checkEmbedder = (trained: EmbedderConfig, given: EmbedderConfig, where: string): void => {
  if (!sameEmbedder(trained, given)) {
    throw new EmbedderMismatchError(trained, given, where);
  }
};

/** k and β when neither the caller nor the checkpoint's acting.json says. */
export const defaultActing = { k: 16, beta: 4 } as const;

/** The caller's k and β where given, else the checkpoint's chosen ones, else the defaults. */
export const resolveActing = (checkpoint: LoadedCheckpoint, given: { k?: number | undefined; beta?: number | undefined }): { k: number; beta: number } => ({
  k: given.k ?? checkpoint.acting?.k ?? defaultActing.k,
  beta: given.beta ?? checkpoint.acting?.beta ?? defaultActing.beta,
});

export type CheckpointAgentOptions = ActingOptions & {
  name: string;
  /** Default: the embedder the checkpoint names (an `embeddings` one must be given: see checkpoint-embedder.ts). */
  embedder?: Embedder;
  propose?: Proposer;
  reportCandidates?: boolean;
  /** Shown in errors; the checkpoint folder. */
  where?: string;
};

export const createCheckpointAgent = (checkpoint: LoadedCheckpoint, options: CheckpointAgentOptions): Agent => {
  const trained = checkpoint.config.embedder;
  const embedder = options.embedder ?? createEmbedder(trained);
  checkEmbedder(trained, embedder.config, options.where ?? `checkpoint "${options.name}"`);
  const { k, beta } = resolveActing(checkpoint, options);
  return createValueAgent(checkpoint, embedder, {
    name: options.name,
    policy: isValueAlgorithm(checkpoint.config.algorithm) ? 'advantage' : 'policy',
    k,
    beta,
    ...(options.propose === undefined ? {} : { propose: options.propose }),
    ...(options.reportCandidates === undefined ? {} : { reportCandidates: options.reportCandidates }),
    avoidUnanswerable: options.avoidUnanswerable,
  });
};

/** An episode factory over one agent from a loaded checkpoint: it keeps no state between calls, so every episode shares it. */
export const checkpointAgentFactory = <P>(name: string, checkpoint: LoadedCheckpoint, acting: ActingOptions): AgentFactory<P> => {
  const agent = createCheckpointAgent(checkpoint, { name, ...acting });
  return () => agent;
};
