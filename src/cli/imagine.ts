/**
 * `reverie imagine`: imagined dialogues, written as JSONL as they are made; run it again with the
 * same flags to finish an interrupted run. Built-in tasks with a simulator imagine offline; with
 * `--model`, any task spec (built-in or a YAML file) is imagined by an LLM.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { imagineOffline } from '../imagine/offline.ts';
import { defaultLlmImagineOptions, imagineWithLlm } from '../imagine/llm/engine.ts';
import type { LlmImagineResult } from '../imagine/llm/engine.ts';
import { createLlmClient } from '../llm/client.ts';
import { ReverieError } from '../errors.ts';
import { markdownTable } from '../eval/report.ts';
import { datasetSummary } from '../pipeline/summary.ts';
import { hasSimulator, loadBuiltInTask, resolveTaskSpec } from '../tasks/registry.ts';
import { onInterrupt } from './interrupt.ts';
import { addLlmOptions, llmSettingsFromFlags } from './llm-config.ts';
import type { LlmFlags } from './llm-config.ts';
import { integer, nonNegativeNumber, positiveInteger } from './options.ts';

type Flags = LlmFlags & {
  task: string;
  dialogues: number;
  seed: number;
  out: string;
  personas?: number;
  successRatio: number;
  maxRevisions: number;
  maxAttempts: number;
  parallel: number;
};

const ratio = (value: string): number => {
  const parsed = nonNegativeNumber('--success-ratio')(value);
  if (parsed > 1) throw new ReverieError(`--success-ratio must lie in [0, 1], got ${value}`);
  return parsed;
};

/** The per-step account of an LLM run that a person reads to judge the data. */
export const llmRunSummary = (result: LlmImagineResult): string => {
  const { personas, usage } = result;
  const reasons = new Map<string, number>();
  for (const row of result.dropped) {
    const key = `${row.step}: ${row.kind}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  const evenness = Object.entries(personas.diversity.parameters).map(([name, spread]) => `${name} ${spread.distinct} values, evenness ${spread.evenness.toFixed(2)}`);
  return [
    markdownTable(
      ['step', 'count'],
      [
        ['personas generated', String(personas.generated)],
        ['personas kept', String(personas.personas.length)],
        ['near-duplicates removed', String(personas.nearDuplicates)],
        ['personas invalid', String(personas.invalid)],
        ['dialogues kept', String(result.dialogues.length)],
        ['kept after revision', String(result.revised)],
        ['dialogues dropped', String(result.dropped.length)],
        ...[...reasons].sort(([, a], [, b]) => b - a).map(([reason, count]) => [`  ${reason}`, String(count)]),
      ],
    ),
    '',
    `persona diversity: mean word distance ${personas.diversity.meanDistance.toFixed(3)}${evenness.length > 0 ? `; ${evenness.join('; ')}` : ''}`,
    `LLM calls ${usage.calls} (${usage.cachedCalls} from cache, ${usage.retries} retries, ${usage.repairs} repairs); tokens in ${usage.inputTokens}, out ${usage.outputTokens}${usage.costUsd === undefined ? '' : `; cost $${usage.costUsd.toFixed(4)}`}`,
  ].join('\n');
};

export const registerImagine = (program: Command): void => {
  const command = program
    .command('imagine')
    .description('imagine dialogues between hidden-persona users and agents of uneven skill, each judged (offline for built-in tasks, or with an LLM for any task spec)')
    .requiredOption('--task <name|file>', 'built-in task name, or a task spec YAML file (needs --model)')
    .option('-n, --dialogues <n>', 'how many dialogues', positiveInteger('--dialogues'), 2000)
    .option('--seed <n>', 'seed: the same seed gives the same dialogues', positiveInteger('--seed'), 1)
    .option('--out <dir>', 'folder for dialogues.jsonl (and, with an LLM, personas.jsonl and dropped.jsonl)', 'runs/data');
  addLlmOptions(command, 'imagine with an LLM')
    .option('--personas <n>', 'personas to imagine (default: a quarter of the dialogues, at least 10)', positiveInteger('--personas'))
    .option('--success-ratio <x>', 'share of dialogues imagined as successes', ratio, defaultLlmImagineOptions.successRatio)
    .option('--max-revisions <n>', 'critique → revise rounds before a dialogue is dropped', integer('--max-revisions'), defaultLlmImagineOptions.maxRevisions)
    .option('--max-attempts <n>', 'dialogue slots tried per requested dialogue before the run gives up (raise it for a model whose dialogues often fail review)', positiveInteger('--max-attempts'), defaultLlmImagineOptions.maxSlotsPerDialogue)
    .option('--parallel <n>', 'dialogues imagined at once', positiveInteger('--parallel'), defaultLlmImagineOptions.parallel)
    .action(async (flags: Flags) => {
      const file = join(flags.out, 'dialogues.jsonl');
      const settings = await llmSettingsFromFlags(flags, { cacheDir: join('.reverie-cache', 'llm'), temperature: defaultLlmImagineOptions.temperature });
      const spec = await resolveTaskSpec(flags.task);
      if (settings === undefined) {
        if (!hasSimulator(flags.task)) {
          throw new ReverieError(`task "${flags.task}" has no built-in simulator, so it needs an LLM to imagine its dialogues`, {
            hint: 'Pass --model provider:model (or set model in --config); the API key comes from the environment.',
          });
        }
        const task = await loadBuiltInTask(flags.task);
        const result = await imagineOffline(task, { count: flags.dialogues, seed: flags.seed, file, progress: process.stderr });
        process.stdout.write(`${datasetSummary(result.dialogues)}\n\n${result.created} new, ${result.reused} already there → ${file}\n`);
        return;
      }
      const interrupt = onInterrupt();
      const client = createLlmClient({ ...settings.client, signal: interrupt.signal });
      const result = await imagineWithLlm(client, spec, {
        ...defaultLlmImagineOptions,
        count: flags.dialogues,
        seed: flags.seed,
        dir: flags.out,
        personas: flags.personas ?? Math.max(10, Math.ceil(flags.dialogues / 4)),
        successRatio: flags.successRatio,
        maxRevisions: flags.maxRevisions,
        maxSlotsPerDialogue: flags.maxAttempts,
        parallel: flags.parallel,
        temperature: settings.temperature,
        progress: process.stderr,
        signal: interrupt.signal,
      }).finally(() => interrupt.dispose());
      process.stdout.write(`${datasetSummary(result.dialogues)}\n\n${llmRunSummary(result)}\n\n${result.created} new, ${result.reused} already there → ${file}\n`);
    });
};
