/**
 * The offline imagination engine for built-in tasks. Reasoning step: draw diverse training
 * personas. Imagination step: let a behaviour agent of uneven quality talk with each persona's
 * simulated user. Then the task's judge labels the outcome. Every dialogue depends only on
 * (task, seed, index), so a run is reproducible and an interrupted run resumes where it stopped.
 *
 * @example
 * const { dialogues } = await imagineOffline(task, { count: 2000, seed: 1, file: 'run/dialogues.jsonl' });
 */
import { ReverieError } from '../errors.ts';
import { appendJsonl, readJsonl, repairJsonl } from '../data/jsonl.ts';
import { dialogueId, dialogueSchema } from '../data/dialogue.ts';
import type { Dialogue } from '../data/dialogue.ts';
import { runEpisode } from '../sim/episode.ts';
import { samplePersonaIn } from '../sim/personas.ts';
import type { TaskSimulator } from '../task/types.ts';
import { createProgress } from '../util/progress.ts';
import { createRng } from '../util/rng.ts';

export type OfflineImagineOptions = {
  count: number;
  seed: number;
  /** JSONL file the dialogues are appended to as they are made. */
  file: string;
  /** Where progress lines go; omit for silence. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
};

export class DatasetMismatchError extends ReverieError {
  override readonly name = 'DatasetMismatchError';
}

export const imagineDialogue = async <P>(task: TaskSimulator<P>, seed: number, index: number): Promise<Dialogue> => {
  const rng = createRng(seed).fork(`dialogue-${index}`);
  const persona = samplePersonaIn(task, 'train', rng.fork('persona'));
  const behaviour = rng.fork('behaviour').weighted(
    task.behaviours,
    task.behaviours.map((candidate) => candidate.weight),
  );
  const agent = behaviour.create({ rng: rng.fork('agent'), persona });
  const episode = await runEpisode(task, persona, agent, rng.fork('episode'));
  return {
    id: dialogueId(task.spec.name, seed, index),
    task: task.spec.name,
    persona,
    turns: episode.turns,
    reward: episode.judgement.reward,
    success: episode.judgement.success,
    meta: { behaviour: behaviour.name, seed, index, taskVersion: task.spec.version, ended: episode.ended, judge: episode.judgement.reason },
  };
};

const flushEvery = 250;

export const imagineOffline = async <P>(
  task: TaskSimulator<P>,
  options: OfflineImagineOptions,
): Promise<{ dialogues: Dialogue[]; created: number; reused: number }> => {
  const { kept } = await repairJsonl(options.file);
  const existing = kept === 0 ? [] : await readJsonl(options.file, dialogueSchema);
  const wanted = new Map(Array.from({ length: options.count }, (_, index) => [dialogueId(task.spec.name, options.seed, index), index]));
  const stranger = existing.find((dialogue) => dialogue.task !== task.spec.name || !dialogue.id.startsWith(`${task.spec.name}-${options.seed}-`));
  if (stranger !== undefined) {
    throw new DatasetMismatchError(`${options.file} holds dialogue ${stranger.id}, which is not from task ${task.spec.name} with seed ${options.seed}`, {
      hint: 'Use another output folder, or the same --task and --seed as the run that wrote it.',
    });
  }
  const byId = new Map(existing.map((dialogue) => [dialogue.id, dialogue]));
  const missing = [...wanted].filter(([id]) => !byId.has(id)).map(([, index]) => index);
  const progress = options.progress === undefined ? undefined : createProgress({ label: 'imagine', total: missing.length, stream: options.progress });
  let pending: Dialogue[] = [];
  for (const index of missing) {
    const dialogue = await imagineDialogue(task, options.seed, index);
    byId.set(dialogue.id, dialogue);
    pending.push(dialogue);
    progress?.tick();
    if (pending.length >= flushEvery) {
      await appendJsonl(options.file, pending);
      pending = [];
    }
  }
  if (pending.length > 0) await appendJsonl(options.file, pending);
  progress?.done();
  const dialogues = [...wanted.keys()].map((id) => byId.get(id)).filter((dialogue): dialogue is Dialogue => dialogue !== undefined);
  return { dialogues, created: missing.length, reused: options.count - missing.length };
};
