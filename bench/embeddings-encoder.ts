/**
 * Encoders compared: ILQL trained with the `hashed`, `dialogue` and `embeddings` encoders on the
 * same travel data, each evaluated on the same held-out test personas of the built-in travel
 * simulator (its rule-based users read the agent's words; its judge scores the outcome).
 *
 * The embeddings come from the scripted OpenAI-compatible server of the tests, started here on
 * 127.0.0.1: its vectors are a fixed random projection of each text's words and bigrams, not a
 * real model's, so they know nothing of synonyms or paraphrase. Two datasets:
 *
 * - `llm`: imagined by the same scripted server playing an LLM (`reverie imagine --model`). Its
 *   dialogues come from templates whose outcome is drawn before they are written, so the agent's
 *   words do not decide the reward there: a check that the whole path runs, not a quality figure.
 * - `offline`: imagined by the built-in travel simulator (`reverie imagine` without a model),
 *   where the outcome depends on what the agent asked and offered: the comparison that means something.
 *
 *   nice -n 10 node --import tsx bench/embeddings-encoder.ts [--llm-dialogues 300] [--offline-dialogues 1000] [--episodes 300] [--dimension 64] [--steps 3000] [--data llm,offline] [--encoders hashed,dialogue,embeddings] [--out runs/bench-embeddings]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EmbedderKind } from '../src/embed/embedder.ts';
import { runEvaluation } from '../src/eval/run.ts';
import { defaultLlmImagineOptions, imagineWithLlm } from '../src/imagine/llm/engine.ts';
import { imagineOffline } from '../src/imagine/offline.ts';
import { createLlmClient } from '../src/llm/client.ts';
import { createEmbeddingClient } from '../src/llm/embeddings.ts';
import { parseModelRef } from '../src/llm/model-ref.ts';
import type { Dialogue } from '../src/data/dialogue.ts';
import { trainCheckpoint } from '../src/pipeline/train-checkpoint.ts';
import { loadBuiltInTask } from '../src/tasks/registry.ts';
import { evaluationScript } from '../test/support/evaluation-script.ts';
import { startScriptedServer } from '../test/support/scripted-llm-server.ts';

const { values: flags } = parseArgs({
  options: {
    'llm-dialogues': { type: 'string', default: '300' },
    'offline-dialogues': { type: 'string', default: '1000' },
    episodes: { type: 'string', default: '300' },
    dimension: { type: 'string', default: '64' },
    steps: { type: 'string', default: '3000' },
    data: { type: 'string', default: 'llm,offline' },
    encoders: { type: 'string', default: 'hashed,dialogue,embeddings' },
    out: { type: 'string', default: join('runs', 'bench-embeddings') },
  },
});
const count = (name: keyof typeof flags): number => Number(flags[name]);
const out = flags.out as string;

const task = await loadBuiltInTask('travel');
const server = await startScriptedServer(evaluationScript(task.spec), { dimension: count('dimension') });
const log = (line: string) => process.stderr.write(`${line}\n`);

try {
  const llm = createLlmClient({ model: parseModelRef('openai-compatible:scripted', { baseURL: server.baseURL }), env: {}, cacheDir: join(out, 'llm-cache') });
  const wanted = (flags.data as string).split(',');
  const imagined = await imagineWithLlm(llm, task.spec, { ...defaultLlmImagineOptions, count: count('llm-dialogues'), personas: Math.ceil(count('llm-dialogues') / 5), dir: join(out, 'llm-data') });
  const offline = await imagineOffline(task, { count: count('offline-dialogues'), seed: 1, file: join(out, 'offline-data', 'dialogues.jsonl') });
  const all: [string, Dialogue[]][] = [
    ['llm', imagined.dialogues],
    ['offline', offline.dialogues],
  ];
  const datasets = all.filter(([data]) => wanted.includes(data));
  const rows: string[] = [];
  for (const [data, dialogues] of datasets) {
    for (const encoder of (flags.encoders as string).split(',') as EmbedderKind[]) {
      const checkpoint = join(out, 'checkpoints', `${data}-${encoder}`);
      const embeddingClient = createEmbeddingClient({ model: parseModelRef('openai-compatible:scripted-embed', { baseURL: server.baseURL }), env: {}, cacheDir: join(out, 'embeddings-cache') });
      log(`train ${encoder} on ${data} (${dialogues.length} dialogues)`);
      const trained = await trainCheckpoint(dialogues, { algorithm: 'ilql', out: checkpoint, encoder, steps: count('steps'), ...(encoder === 'embeddings' ? { embeddingClient } : {}) });
      const run = await runEvaluation({
        task: 'travel',
        agents: [`ilql-${encoder}=${checkpoint}`],
        episodes: count('episodes'),
        out: join(out, 'eval', `${data}-${encoder}`),
        embeddings: { cacheDir: join(out, 'embeddings-cache'), env: {} },
      });
      const result = run.results[0];
      if (result === undefined) throw new Error(`no result for ${data}-${encoder}`);
      const interval = (summary: { mean: number; low: number; high: number }) => `${summary.mean.toFixed(3)} [${summary.low.toFixed(3)}, ${summary.high.toFixed(3)}]`;
      rows.push(`| ${data} | ${encoder} | ${dialogues.length} | ${trained.model.library.length} | ${trained.model.stats.seconds.toFixed(0)} | ${interval(result.success)} | ${interval(result.reward)} |`);
      log(rows.at(-1) ?? '');
    }
  }
  process.stdout.write(
    `ILQL on travel, ${count('steps')} steps, ${count('episodes')} test personas each (seed 1000), scripted embeddings of ${count('dimension')} numbers\n\n` +
      `| data | encoder | dialogues | distinct agent utterances | train s | success [95% CI] | reward [95% CI] |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n` +
      `\nembedding requests to the scripted server: ${server.embeddingRequests.length}\n`,
  );
} finally {
  await server.close();
}
