/**
 * `reverie serve`: agents as OpenAI-compatible models over HTTP, with a web page to chat with them
 * and browse a dataset. Runs until SIGINT or SIGTERM, then finishes the requests in flight.
 */
import type { Command } from 'commander';
import { buildAgent } from '../agent/build.ts';
import { parseAgentSpec } from '../agent/spec.ts';
import type { BuiltAgent } from '../agent/build.ts';
import { ReverieError } from '../errors.ts';
import { toServedAgent } from '../serve/agents.ts';
import { loadDialogues } from '../serve/dialogues.ts';
import { startServe } from '../serve/server.ts';
import { addAgentOptions, llmFromFlags, loadTaskContext } from './agent-options.ts';
import { embeddingsAccess } from './embeddings-options.ts';
import type { AgentFlags } from './agent-options.ts';
import { collect, integer, positiveInteger } from './options.ts';

type ServeFlags = AgentFlags & { agent: string[]; host: string; port: number; token?: string; unsafeNoToken?: boolean; data?: string; maxBody: number; maxMessages: number; logRequests?: boolean };

export const registerServe = (program: Command): void => {
  const command = program
    .command('serve')
    .description('serve agents as OpenAI-compatible models (POST /v1/chat/completions, streaming too), with a web page to chat and browse a dataset')
    .requiredOption('--agent <spec>', 'naive | behaviour | prompted | NAME=CHECKPOINT_DIR; repeat for several models (the model id is NAME)', collect);
  addAgentOptions(command)
    .option('--host <host>', 'address to bind (anything but loopback exposes the agents to the network, and needs a token)', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', integer('--port'), 8080)
    .option('--token <token>', 'bearer token every API request must carry (or set REVERIE_SERVE_TOKEN, which keeps it out of the process list)')
    .option('--unsafe-no-token', 'allow serving beyond loopback with no token, to anyone who can reach this machine')
    .option('--data <file>', 'dialogues.jsonl to browse on the web page')
    .option('--max-body <bytes>', 'largest request body accepted', positiveInteger('--max-body'), 1 << 20)
    .option('--max-messages <n>', 'most messages in one request', positiveInteger('--max-messages'), 200)
    .option('--log-requests', 'log every request with its status and time')
    .action(async (flags: ServeFlags) => {
      const context = await loadTaskContext(flags.task);
      const llm = await llmFromFlags(flags);
      const token = flags.token ?? (process.env.REVERIE_SERVE_TOKEN?.trim() || undefined);
      const built: BuiltAgent[] = [];
      try {
        for (const text of flags.agent) {
          const agent = await buildAgent(parseAgentSpec(text), { ...context, llm: llm?.llm, k: flags.k, beta: flags.beta, temperature: llm?.temperature, reportCandidates: true, embeddings: embeddingsAccess(flags) });
          built.push(agent);
          if (agent.needsPersona) throw new ReverieError(`agent "${agent.name}" reads a hidden persona, which a served conversation does not have`, { hint: 'Serve naive, prompted or a checkpoint agent.' });
          if (built.filter((other) => other.name === agent.name).length > 1) throw new ReverieError(`two agents are named "${agent.name}"`, { hint: 'Give each checkpoint its own NAME= (it is the model id).' });
        }
        const dialogues = flags.data === undefined ? undefined : await loadDialogues(flags.data);
        const server = await startServe({
          agents: built.map((agent) => toServedAgent(agent, context.simulator)),
          host: flags.host,
          port: flags.port,
          ...(token === undefined ? {} : { token }),
          unsafeAllowNoTokenOnNetwork: flags.unsafeNoToken === true,
          ...(dialogues === undefined ? {} : { dialogues }),
          maxBodyBytes: flags.maxBody,
          maxMessages: flags.maxMessages,
          title: `Reverie · ${context.spec.title}`,
          logRequests: flags.logRequests === true,
        });
        process.stdout.write(
          `serving ${built.map((agent) => agent.name).join(', ')} at ${server.url}/v1 (OpenAI-compatible)${token === undefined ? '' : ', bearer token required'}\n` +
            `web page: ${server.url}/${dialogues === undefined ? '' : ` (${dialogues.count} dialogues from ${dialogues.file})`}\n`,
        );
        const signal = await new Promise<string>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        });
        process.stderr.write(`${signal}: finishing ${server.inFlight()} request(s) in flight, then stopping\n`);
        await server.close(10_000);
        process.stdout.write('stopped\n');
      } finally {
        for (const agent of built) agent.dispose();
      }
    });
};
