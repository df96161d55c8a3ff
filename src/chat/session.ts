/**
 * One conversation in the terminal: a person (or the task's simulated user, for debugging)
 * plays the user; the agent answers each turn. Ctrl-C (the signal) ends it at once, even while
 * the agent is thinking: the agent's work (its LLM request) is cancelled, and whatever was said is
 * kept for the transcript. With `write`, an agent that writes as it goes is shown as it writes.
 *
 * @example
 * const chat = await runChat({ agent, maxTurns: 10, input, print: console.log, signal, showCandidates: true });
 * chat.turns // the conversation; chat.steps[i] is what the agent weighed at its i-th turn
 */
import type { Agent, AgentStep, AgentStepCandidate, Turn, UserSimulator } from '../task/types.ts';
import type { ChatEnded } from './transcript.ts';

/** Lines the person types; `undefined` when there are no more (end of input or Ctrl-C). */
export type ChatInput = { next(prompt: string): Promise<string | undefined> };

export type ChatOptions = {
  agent: Agent;
  maxTurns: number;
  print: (line: string) => void;
  signal: AbortSignal;
  showCandidates: boolean;
  /** A person plays the user… */
  input?: ChatInput;
  /** Print the person's lines too: piped input is not on the screen. */
  echoUser?: boolean;
  /** …or the task's simulated user does. */
  user?: UserSimulator;
  /** Shows text without ending the line; when given, replies are shown as the agent writes them. */
  write?: (text: string) => void;
};

export type ChatResult = { turns: Turn[]; steps: AgentStep[]; ended: ChatEnded; error?: string };

const QUIT = new Set(['/quit', '/exit', '/bye']);
const interrupted = Symbol('interrupted');

/** Resolves with the promise's value, or with `interrupted` as soon as the signal fires. */
const unlessAborted = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof interrupted> => {
  if (signal.aborted) return Promise.resolve(interrupted);
  return new Promise((resolve, reject) => {
    const stop = () => resolve(interrupted);
    signal.addEventListener('abort', stop, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
};

const number = (value: number | undefined, signed = false): string =>
  value === undefined ? '     –' : `${signed && value >= 0 ? '+' : ''}${value.toFixed(3)}`.padStart(6);

export const formatCandidates = (candidates: readonly AgentStepCandidate[], chosen: string): string[] => [
  `    ${'score'.padStart(7)} ${'Q'.padStart(6)} ${'V'.padStart(6)} ${'A'.padStart(6)} ${'prior'.padStart(6)}  candidate`,
  ...candidates.map(
    (candidate) =>
      `  ${candidate.text === chosen ? '*' : ' '} ${number(candidate.score, true).padStart(7)} ${number(candidate.q)} ${number(candidate.v)} ${number(candidate.advantage, true)} ${number(candidate.prior)}  ${candidate.source === 'llm' ? '[llm] ' : ''}${candidate.text}`,
  ),
];

export const runChat = async (options: ChatOptions): Promise<ChatResult> => {
  const { agent, print, signal } = options;
  const turns: Turn[] = [];
  const steps: AgentStep[] = [];
  const say = (role: Turn['role'], text: string, shown = false) => {
    turns.push({ role, text });
    if (shown) return;
    if (role === 'agent' || options.user !== undefined || options.echoUser === true) print(`${role === 'agent' ? agent.name : options.user === undefined ? 'you' : 'user'}> ${text}`);
  };

  /** The user's next words, or why the conversation ends. */
  const userTurn = async (): Promise<{ text: string; done: boolean } | ChatEnded> => {
    if (options.user !== undefined) return options.user.reply(turns);
    for (;;) {
      const line = await unlessAborted(options.input?.next('you> ') ?? Promise.resolve(undefined), signal);
      if (line === interrupted) return 'interrupted';
      if (line === undefined) return signal.aborted ? 'interrupted' : 'end-of-input';
      const text = line.trim();
      if (QUIT.has(text.toLowerCase())) return 'quit';
      if (text !== '') return { text, done: false };
    }
  };

  for (;;) {
    if (signal.aborted) return { turns, steps, ended: 'interrupted' };
    const user = await userTurn();
    if (typeof user === 'string') return { turns, steps, ended: user };
    say('user', user.text);
    if (user.done) return { turns, steps, ended: 'user' };
    // As in the episode loop, the user answers the agent's last turn before the judge reads it.
    if (steps.length >= options.maxTurns) return { turns, steps, ended: 'turn-limit' };
    let step: AgentStep | typeof interrupted;
    const write = options.write;
    let streamed = false;
    const onText =
      write === undefined
        ? undefined
        : (delta: string) => {
            if (!streamed) write(`${agent.name}> `);
            streamed = true;
            write(delta);
          };
    try {
      step = await unlessAborted(agent.act(turns, { signal, onText }), signal);
    } catch (error) {
      if (streamed) write?.('\n');
      if (signal.aborted) return { turns, steps, ended: 'interrupted' };
      const message = error instanceof Error ? error.message : String(error);
      print(`(${agent.name} failed: ${message})`);
      return { turns, steps, ended: 'error', error: message };
    }
    if (streamed) write?.('\n');
    if (step === interrupted) return { turns, steps, ended: 'interrupted' };
    steps.push(step);
    if (options.showCandidates) {
      const candidates = step.candidates ?? [];
      if (candidates.length === 0) print(`  (${agent.name} weighs no candidates: it says one thing)`);
      else for (const line of formatCandidates(candidates, step.text)) print(line);
    }
    say('agent', step.text, streamed);
    if (steps.length >= options.maxTurns) print(`(that was the agent's last turn of ${options.maxTurns}; the user's answer ends the conversation)`);
  }
};
