/**
 * A chat saved in the dataset's dialogue format, so `reverie train` and the serve page read it
 * like an imagined dialogue. A chat nobody judged has reward 0 and success false, with
 * `meta.judged: false` saying the numbers mean nothing.
 *
 * @example
 * await saveTranscript('runs/chat/2026-01-01T10-00-00.json', transcript);
 */
import { dialogueSchema } from '../data/dialogue.ts';
import type { Dialogue } from '../data/dialogue.ts';
import type { AgentStep, Judgement, Turn } from '../task/types.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

export type ChatEnded = 'user' | 'quit' | 'interrupted' | 'end-of-input' | 'turn-limit' | 'error';

export type ChatRecord = {
  task: string;
  taskVersion: number;
  agent: string;
  /** `human`: a person played the user; `persona`: the task's simulated user did. */
  mode: 'human' | 'persona';
  startedAt: Date;
  turns: Turn[];
  /** One per agent turn: what the agent weighed. */
  steps: AgentStep[];
  ended: ChatEnded;
  persona?: unknown;
  personaSeed?: number;
  judgement?: Judgement;
  error?: string;
};

/** `2026-01-01T10-00-00-000Z`: sortable, and safe in file names on every system. */
export const timestampName = (date: Date): string => date.toISOString().replace(/[:.]/g, '-');

export const toDialogue = (record: ChatRecord): Dialogue =>
  dialogueSchema.parse({
    id: `chat-${timestampName(record.startedAt)}`,
    task: record.task,
    persona: record.persona ?? null,
    turns: record.turns,
    reward: record.judgement?.reward ?? 0,
    success: record.judgement?.success ?? false,
    meta: {
      source: 'chat',
      taskVersion: record.taskVersion,
      agent: record.agent,
      mode: record.mode,
      ended: record.ended,
      judged: record.judgement !== undefined,
      ...(record.judgement === undefined ? {} : { judge: record.judgement.reason }),
      ...(record.personaSeed === undefined ? {} : { personaSeed: record.personaSeed }),
      ...(record.error === undefined ? {} : { error: record.error }),
      startedAt: record.startedAt.toISOString(),
      steps: record.steps,
    },
  });

export const saveTranscript = async (file: string, record: ChatRecord): Promise<Dialogue> => {
  const dialogue = toDialogue(record);
  await writeFileAtomic(file, `${JSON.stringify(dialogue, null, 2)}\n`);
  return dialogue;
};
