/**
 * `reverie chat`: talk with an agent in the terminal, playing the user; or, with --persona, watch
 * the task's simulated user play. Ctrl-C (or end of input, or /quit) ends the conversation and
 * the transcript is saved in the dataset's dialogue format.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { buildAgent } from '../agent/build.ts';
import { parseAgentSpec } from '../agent/spec.ts';
import type { ChatInput } from '../chat/session.ts';
import { runChat } from '../chat/session.ts';
import { saveTranscript, timestampName } from '../chat/transcript.ts';
import { ReverieError } from '../errors.ts';
import { samplePersonaIn } from '../sim/personas.ts';
import { createRng } from '../util/rng.ts';
import { addAgentOptions, llmFromFlags, loadTaskContext } from './agent-options.ts';
import { embeddingsAccess } from './embeddings-options.ts';
import type { AgentFlags } from './agent-options.ts';
import { integer } from './options.ts';

type ChatFlags = AgentFlags & { agent: string; showCandidates?: boolean; persona?: number; judge?: boolean; seed: number; out?: string };

/** Lines from stdin, queued as they arrive: piped input comes faster than the agent answers. */
const stdinLines = (onInterrupt: () => void): ChatInput & { close(): void } => {
  const terminal = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: process.stdout, terminal });
  const queue: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let closed = false;
  lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()?.(line) : queue.push(line)));
  lines.on('close', () => {
    closed = true;
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  // In a terminal readline takes Ctrl-C itself and would otherwise just close the prompt.
  lines.on('SIGINT', onInterrupt);
  return {
    next: (prompt) => {
      if (queue.length > 0) return Promise.resolve(queue.shift());
      if (closed) return Promise.resolve(undefined);
      if (terminal) {
        lines.setPrompt(prompt);
        lines.prompt();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => lines.close(),
  };
};

export const registerChat = (program: Command): void => {
  const command = program
    .command('chat')
    .description('talk with an agent in the terminal (you play the user), or watch a simulated user with --persona')
    .requiredOption('--agent <spec>', 'naive | oracle | behaviour | prompted | NAME=CHECKPOINT_DIR');
  addAgentOptions(command)
    .option('--show-candidates', 'print the candidates the agent weighed at each turn, with Q, V, advantage and prior')
    .option('--persona <seed>', 'let the task’s simulated user with this persona seed play instead of you (built-in tasks)', integer('--persona'))
    .option('--judge', 'score the conversation with the task’s judge at the end (built-in tasks; you play a persona shown to you)')
    .option('--seed <n>', 'seed of the agent and of the persona you play with --judge or the oracle', integer('--seed'), 1)
    .option('--out <file>', 'where the transcript is saved (default runs/chat/<timestamp>.json)')
    .action(async (flags: ChatFlags) => {
      const startedAt = new Date();
      const out = flags.out ?? join('runs', 'chat', `${timestampName(startedAt)}.json`);
      const { spec, simulator } = await loadTaskContext(flags.task);
      const llm = await llmFromFlags(flags);
      const choice = parseAgentSpec(flags.agent);
      const built = await buildAgent(choice, { spec, simulator, llm: llm?.llm, k: flags.k, beta: flags.beta, temperature: llm?.temperature, reportCandidates: flags.showCandidates === true, embeddings: embeddingsAccess(flags) });
      const selfPlay = flags.persona !== undefined;
      const needsPersona = selfPlay || flags.judge === true || built.needsPersona;
      if (needsPersona && simulator === undefined) {
        throw new ReverieError(`task "${spec.name}" has no simulator: --persona, --judge and the oracle need a built-in task's personas and judge`, {
          hint: 'Chat without those flags, or use a built-in task (see reverie tasks).',
        });
      }
      const personaSeed = flags.persona ?? flags.seed;
      const persona = simulator === undefined ? undefined : samplePersonaIn(simulator, 'test', createRng(personaSeed).fork('chat-persona'));
      const agent = built.factory({ rng: createRng(flags.seed).fork('chat-agent'), persona });
      const print = (line: string) => process.stdout.write(`${line}\n`);

      const controller = new AbortController();
      const interrupt = () => controller.abort();
      process.on('SIGINT', interrupt);
      const input = selfPlay ? undefined : stdinLines(interrupt);
      print(`Chatting with ${built.description} on task ${spec.name}. ${selfPlay ? 'The simulated user plays; Ctrl-C stops.' : 'Type as the user; /quit or Ctrl-C ends.'}`);
      if (needsPersona && simulator !== undefined && persona !== undefined) {
        print(`${selfPlay ? 'Simulated user' : 'You play'} (persona seed ${personaSeed}): ${simulator.describePersona(persona)}`);
      }
      const user = selfPlay && simulator !== undefined && persona !== undefined ? simulator.createUser(persona, createRng(personaSeed).fork('chat-user')) : undefined;
      try {
        const write = (text: string) => void process.stdout.write(text);
        const chat = await runChat({ agent, maxTurns: spec.maxTurns, print, write, signal: controller.signal, showCandidates: flags.showCandidates === true, echoUser: process.stdin.isTTY !== true, ...(input === undefined ? {} : { input }), ...(user === undefined ? {} : { user }) });
        if (chat.ended === 'interrupted') print('(interrupted)');
        const judgement = flags.judge === true && simulator !== undefined && persona !== undefined && chat.turns.length > 0 ? await simulator.judge(persona, chat.turns) : undefined;
        if (judgement !== undefined) print(`judge: reward ${judgement.reward.toFixed(3)}, ${judgement.success ? 'success' : 'no success'}: ${judgement.reason}`);
        if (chat.turns.length === 0) {
          print('Nothing was said; no transcript saved.');
          return;
        }
        await saveTranscript(out, {
          task: spec.name,
          taskVersion: spec.version,
          agent: built.description,
          mode: selfPlay ? 'persona' : 'human',
          startedAt,
          turns: chat.turns,
          steps: chat.steps,
          ended: chat.ended,
          ...(needsPersona ? { persona, personaSeed } : {}),
          ...(judgement === undefined ? {} : { judgement }),
          ...(chat.error === undefined ? {} : { error: chat.error }),
        });
        print(`transcript → ${out}`);
      } finally {
        input?.close();
        process.off('SIGINT', interrupt);
        built.dispose();
      }
    });
};
