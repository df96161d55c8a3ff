/**
 * The prompts of LLM evaluation: the simulated user (roles swapped — the model writes the user's
 * turns and the agent's turns arrive as the other side), the persona-consistency check and the
 * judge. Everything task-specific comes from the spec and the persona, so any task spec works.
 *
 * @example
 * const messages = userSimulatorMessages(spec, persona, turns); // ends with the agent's last turn as a 'user' message
 */
import { renderTranscript } from '../../imagine/llm/prompts.ts';
import type { Message } from '../../imagine/llm/prompts.ts';
import type { StoredPersona } from '../../imagine/llm/persona-step.ts';
import type { TaskSpec } from '../../task/spec.ts';
import type { Turn } from '../../task/types.ts';

const json = 'Reply with one JSON object and nothing else.';

/** The persona's hidden facts with what each parameter means, for prompts that may see them. */
const hiddenFacts = (spec: TaskSpec, persona: StoredPersona): string[] =>
  Object.entries(persona.hidden).map(([name, value]) => {
    const parameter = spec.user.hiddenParameters.find((candidate) => candidate.name === name);
    return `- ${name}: ${value}${parameter === undefined ? '' : ` (${parameter.description})`}`;
  });

/** The opening cue: chat APIs need a first 'user' message before the model can speak. */
export const OPENING_CUE = '(The conversation starts now. Write your first message.)';

export const userSimulatorSystem = (spec: TaskSpec, persona: StoredPersona): string =>
  [
    `You play the user in a conversation that tests a conversational agent. You are not an assistant: you are the person described below, talking to ${spec.agent.role}.`,
    '',
    `The situation: ${spec.description}`,
    `Who the users are: ${spec.user.description}`,
    '',
    `Who you are: ${persona.summary}`,
    `How you talk: ${persona.voice}`,
    `Facts about you that ${spec.agent.role} does not know:`,
    ...hiddenFacts(spec, persona),
    '',
    'How to play:',
    '- Stay this person throughout: first person, your own voice, a few sentences at most.',
    `- Reveal a fact about yourself only when ${spec.agent.role} asks about it or the conversation clearly calls for it; never list your traits or name them as parameters.`,
    '- Never invent facts about yourself that the description above does not give. Asked about something it does not settle, say you are not sure or have no strong view.',
    '- React as this person would: say so when an answer does not fit you or uses words you do not know; leave if you run out of patience.',
    `- End the conversation when it is over for you: you accept or turn down what ${spec.agent.role} finally offers, you got what you came for, or you leave. Set "done" to true on that last message and to false on every other.`,
    '- Never mention being simulated, a persona, or these instructions.',
    '',
    `Each of your messages is JSON: {"reply": "what you say", "done": false}. ${json}`,
  ].join('\n');

/**
 * Roles swapped: the user's own earlier turns are the model's ('assistant', in the JSON it is
 * asked to write, so its history shows the format), the agent's turns are the 'user' side.
 */
export const userSimulatorMessages = (spec: TaskSpec, persona: StoredPersona, turns: readonly Turn[]): Message[] => [
  { role: 'system', content: userSimulatorSystem(spec, persona) },
  { role: 'user', content: OPENING_CUE },
  ...turns.map((turn): Message =>
    turn.role === 'user' ? { role: 'assistant', content: JSON.stringify({ reply: turn.text, done: false }) } : { role: 'user', content: turn.text },
  ),
];

const personaSection = (spec: TaskSpec, persona: StoredPersona): string[] => [
  `The user: ${persona.summary}`,
  `How they talk: ${persona.voice}`,
  'Their hidden facts (the agent was not told these):',
  ...hiddenFacts(spec, persona),
];

export const PERSONA_CHECK_SYSTEM = `You check whether a simulated user stayed in character. ${json}`;

export const personaCheckMessages = (spec: TaskSpec, persona: StoredPersona, turns: readonly Turn[]): Message[] => [
  { role: 'system', content: PERSONA_CHECK_SYSTEM },
  {
    role: 'user',
    content: [
      `A model played this user talking to ${spec.agent.role}.`,
      ...personaSection(spec, persona),
      '',
      'Transcript:',
      renderTranscript(turns),
      '',
      'Did the user leave their persona: contradict a fact above, state facts about themselves that the description does not support, ' +
        'recite their hidden facts unprompted, or act out of character (behave like an assistant, mention being simulated)? Being vague or unsure is in character.',
      `${json} Shape: {"leftPersona": true or false, "problem": "one sentence; empty when in character"}`,
    ].join('\n'),
  },
];

export const JUDGE_SYSTEM = `You rate conversations between a conversational agent and a user, as a careful and strict evaluator. ${json}`;

/** The criteria as the judge reads them; each key is a field of the verdict's "ratings". */
export const judgeCriteria = (spec: TaskSpec): string[] => [
  `taskSuccess — task success and information gathering: did the agent find out what it needed to know about this user, and reach its goal (${spec.agent.goal}) for them?`,
  'naturalness — does the agent sound like a natural, fluent person rather than a form or a script?',
  'helpfulness — how helpful was the agent to this particular user?',
  'overall — how satisfied would this user be with the conversation overall?',
];

export const judgeMessages = (spec: TaskSpec, persona: StoredPersona, turns: readonly Turn[]): Message[] => [
  { role: 'system', content: JUDGE_SYSTEM },
  {
    role: 'user',
    content: [
      `Task: ${spec.title}. ${spec.description}`,
      `The agent is ${spec.agent.role}; its goal: ${spec.agent.goal}.`,
      `Success means: ${spec.success.description}`,
      `The agent had at most ${spec.maxTurns} turns.`,
      '',
      ...personaSection(spec, persona),
      '',
      'Transcript:',
      renderTranscript(turns),
      '',
      'Rate the agent on each criterion with an integer from 1 (very poor) to 5 (excellent):',
      ...judgeCriteria(spec).map((criterion) => `- ${criterion}`),
      'Then decide "success": true only if the conversation meets the success criterion above.',
      'If it did not succeed, name the main cause in "failureCause":',
      '- "agent": the agent fell short (asked the wrong things or nothing, assumed, argued badly, ran out of turns);',
      '- "user-simulator": the simulated user broke character, invented facts, contradicted their persona, or ended without reason;',
      '- "task": no agent could have succeeded with this user within the turn limit.',
      'Use "none" when it succeeded. Write "reasoning" (two to four sentences) first.',
      `${json} Shape: {"reasoning": "…", "ratings": {"taskSuccess": 1-5, "naturalness": 1-5, "helpfulness": 1-5, "overall": 1-5}, "success": true or false, "failureCause": "agent" | "user-simulator" | "task" | "none"}`,
    ].join('\n'),
  },
];
