/**
 * The prompts of LLM imagination, one builder per step (reasoning, imagination, critique,
 * revision), with the zod schema each reply must match. Everything a prompt says comes from the
 * task spec, so a new task needs a YAML file and no code.
 */
import { z } from 'zod';
import type { Turn } from '../../task/types.ts';
import type { TaskSpec } from '../../task/spec.ts';

export type Message = { role: 'system' | 'user' | 'assistant'; content: string };

export const imaginedPersonaSchema = z.object({
  summary: z.string().min(10),
  hidden: z.record(z.string(), z.string()),
  voice: z.string().min(1),
});
export type ImaginedPersona = z.infer<typeof imaginedPersonaSchema>;

export const personaBatchSchema = z.object({ personas: z.array(imaginedPersonaSchema).min(1) });

export const transcriptSchema = z.object({
  turns: z.array(z.object({ role: z.enum(['user', 'agent']), text: z.string().min(1) })).min(2),
});

export const critiqueSchema = z.object({
  checks: z.array(z.object({ criterion: z.number().int().min(1), pass: z.boolean(), problem: z.string().default('') })).min(1),
});
export type Critique = z.infer<typeof critiqueSchema>;

const json = 'Reply with one JSON object and nothing else.';

const taskBrief = (spec: TaskSpec): string =>
  [
    `Task: ${spec.title}. ${spec.description}`,
    `The agent is ${spec.agent.role}; its goal: ${spec.agent.goal}.`,
    `The users: ${spec.user.description}`,
  ].join('\n');

const parameterList = (spec: TaskSpec): string =>
  spec.user.hiddenParameters
    .map((parameter) => `- ${parameter.name}: ${parameter.description}${parameter.values === undefined ? '' : ` (one of: ${parameter.values.join(', ')})`}`)
    .join('\n');

/** Reasoning step: a batch of personas that differ from each other and from those already kept. */
export const personaPrompt = (spec: TaskSpec, options: { count: number; batch: number; avoid: readonly string[] }): Message[] => [
  { role: 'system', content: `You invent realistic, varied people for simulated conversations. ${json}` },
  {
    role: 'user',
    content: [
      taskBrief(spec),
      '',
      `Invent ${options.count} different users of this service (batch ${options.batch}). For each give:`,
      '- "summary": two or three sentences in the third person: who they are, their situation, and what they want from the conversation;',
      '- "hidden": an object with a value for each of these hidden parameters, which the agent will not be told:',
      parameterList(spec) || '- (none: put any traits worth varying)',
      '- "voice": how they talk (terse, chatty, vague, formal, impatient, unsure, …).',
      'Vary age, background, situation and every hidden parameter; include people who are hard to serve.',
      ...(options.avoid.length > 0 ? ['', 'They must differ clearly from these existing users:', ...options.avoid.map((summary) => `- ${summary}`)] : []),
      '',
      `${json} Shape: {"personas": [{"summary": "…", "hidden": {…}, "voice": "…"}]}`,
    ].join('\n'),
  },
];

const personaBrief = (persona: ImaginedPersona): string =>
  [`User: ${persona.summary}`, `How they talk: ${persona.voice}`, 'Hidden from the agent:', ...Object.entries(persona.hidden).map(([name, value]) => `- ${name}: ${value}`)].join('\n');

export const renderTranscript = (turns: readonly Turn[]): string =>
  turns.map((turn, index) => `${index + 1}. ${turn.role === 'user' ? 'User' : 'Agent'}: ${turn.text}`).join('\n');

const outcomeBrief = (spec: TaskSpec, success: boolean): string =>
  success
    ? `Outcome: the agent succeeds — ${spec.success.description}. The user ends satisfied.`
    : 'Outcome: the agent fails — for example it assumes instead of asking, asks the wrong things, misreads a vague answer, or loses the user\'s patience. The user ends dissatisfied, unconvinced, or leaves.';

/** The task, the persona and the outcome to reach: what writing and revising a dialogue both start from. */
const scenario = (spec: TaskSpec, persona: ImaginedPersona, success: boolean): string[] => [taskBrief(spec), '', personaBrief(persona), '', outcomeBrief(spec, success), ''];

const transcriptShape = `Shape: {"turns": [{"role": "user", "text": "…"}, {"role": "agent", "text": "…"}, …]}`;

/** Imagination step: one whole conversation with this persona, steered to a chosen outcome. */
export const dialoguePrompt = (spec: TaskSpec, persona: ImaginedPersona, success: boolean): Message[] => [
  { role: 'system', content: `You write realistic transcripts of conversations, used to train a conversational agent. ${json}` },
  {
    role: 'user',
    content: [
      ...scenario(spec, persona, success),
      'Write the whole conversation. The user speaks first and the two alternate. Make it human:',
      '- the agent knows nothing hidden about the user; it is capable but imperfect, and its choices lead to the outcome above;',
      '- the user reveals what they want gradually, when asked or when it comes up, in their own voice; they may be vague, unsure, or change their mind;',
      `- at most ${spec.maxTurns} agent turns; keep each turn to a few sentences; the user's last turn shows how it ended.`,
      ...spec.examples.flatMap((example) => ['', `Example of the register${example.note === undefined ? '' : ` (${example.note})`}:`, renderTranscript(example.turns)]),
      '',
      `${json} ${transcriptShape}`,
    ].join('\n'),
  },
];

/** The checks every imagined dialogue must pass, then the task's own. Numbered from 1 in the prompt. */
export const critiqueCriteria = (spec: TaskSpec, success: boolean): string[] => [
  'The user reveals their hidden traits gradually, in answer to the agent or when natural, not all at once at the start.',
  success
    ? "The user's sentiment at the end is positive: the agent reached the goal."
    : "The user's sentiment at the end is negative or indifferent: the agent did not reach the goal.",
  'The agent never uses anything about the user that it could not know from what was said before.',
  "The user stays consistent with their persona and hidden traits (they may be vague, but they don't contradict them without reason).",
  'Both sides sound like real people; no turn narrates, explains the exercise, or mentions being simulated.',
  ...spec.critique,
];

/** Critique step: check one transcript against every criterion. */
export const critiquePrompt = (spec: TaskSpec, persona: ImaginedPersona, success: boolean, turns: readonly Turn[]): Message[] => [
  { role: 'system', content: `You review imagined conversation transcripts strictly against numbered criteria. ${json}` },
  {
    role: 'user',
    content: [
      taskBrief(spec),
      '',
      personaBrief(persona),
      '',
      'Transcript:',
      renderTranscript(turns),
      '',
      'Criteria:',
      ...critiqueCriteria(spec, success).map((criterion, index) => `${index + 1}. ${criterion}`),
      '',
      `For every criterion say whether the transcript passes and, if not, the problem in one sentence. ${json}`,
      'Shape: {"checks": [{"criterion": 1, "pass": true, "problem": ""}, …]}',
    ].join('\n'),
  },
];

/** Revision: fix the named problems, keep the rest. */
export const revisionPrompt = (spec: TaskSpec, persona: ImaginedPersona, success: boolean, turns: readonly Turn[], problems: readonly string[]): Message[] => [
  { role: 'system', content: `You revise transcripts of conversations so they meet review criteria. ${json}` },
  {
    role: 'user',
    content: [
      ...scenario(spec, persona, success),
      'Transcript:',
      renderTranscript(turns),
      '',
      'A reviewer found these problems:',
      ...problems.map((problem) => `- ${problem}`),
      '',
      `Rewrite the conversation to fix them, changing as little else as you can (the user still speaks first; at most ${spec.maxTurns} agent turns). ${json} ${transcriptShape}`,
    ].join('\n'),
  },
];
