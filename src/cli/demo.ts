/**
 * `reverie demo`: the whole method offline on a built-in task (or all of them), from imagined
 * dialogues to the comparison table on held-out personas.
 */
import { definedOnly } from '../util/defined.ts';
import { join } from 'node:path';
import type { Command } from 'commander';
import { builtInTaskNames } from '../tasks/registry.ts';
import { defaultDemoOptions, defaultDialogues, defaultValidationEpisodes, runDemo } from '../pipeline/demo.ts';
import { guessingDialogues, guessingSteps, guessingValidationEpisodes } from '../pipeline/task-settings.ts';
import { offlineEmbedderKinds } from '../embed/create.ts';
import type { OfflineEmbedderKind } from '../embed/embedder.ts';
import { choice, nonNegativeNumber, numberList, positiveInteger } from './options.ts';

export const registerDemo = (program: Command): void => {
  program
    .command('demo')
    .description('imagine dialogues, train BC, filtered BC, ILQL and MC, and compare every agent on held-out personas (offline)')
    .option('--task <name|file>', "built-in task, a catalog YAML file, or 'all' for every built-in task (each in its own folder under --out)", defaultDemoOptions.task)
    .option('--out <dir>', 'run folder for the dataset, checkpoints and report', 'runs/demo')
    .option('-n, --dialogues <n>', `imagined dialogues (default ${defaultDialogues}; ${guessingDialogues} for guessing tasks)`, positiveInteger('--dialogues'))
    .option('--episodes <n>', 'test episodes per agent', positiveInteger('--episodes'), defaultDemoOptions.episodes)
    .option('--validation-episodes <n>', `validation episodes per β when choosing β (default ${defaultValidationEpisodes}; ${guessingValidationEpisodes} for guessing tasks)`, positiveInteger('--validation-episodes'))
    .option('--steps <n>', `training steps per algorithm (default: ${guessingSteps} for guessing tasks, ${defaultDemoOptions.train.steps} otherwise)`, positiveInteger('--steps'))
    .option('--seed <n>', 'seed of the imagined data and of training', positiveInteger('--seed'), defaultDemoOptions.seed)
    .option('--eval-seed <n>', 'seed of the evaluation personas', positiveInteger('--eval-seed'), defaultDemoOptions.evalSeed)
    .option('--k <n>', 'proposals ILQL chooses among', positiveInteger('--k'), defaultDemoOptions.k)
    .option('--betas <list>', 'β values tried on validation personas', numberList('--betas'), defaultDemoOptions.betas)
    .option('--encoder <kind>', `state encoder of every learner, ${offlineEmbedderKinds.join(' or ')} (default: dialogue for guessing tasks, hashed otherwise)`, choice('--encoder', offlineEmbedderKinds))
    .option('--input-dropout <x>', `share of state features dropped while training (default: 0 for guessing tasks, ${defaultDemoOptions.train.inputDropout} otherwise)`, nonNegativeNumber('--input-dropout'))
    .option('--prior <from>', `what the prior of ILQL and MC learns from, all or successes (default ${defaultDemoOptions.train.prior})`, choice('--prior', ['all', 'successes'] as const))
    .option('--belief-weight <x>', `weight of the belief loss of every learner; above 0 the state also predicts the hidden persona and the prior and Q read that belief (default: 1 for guessing tasks, ${defaultDemoOptions.train.beliefWeight} otherwise)`, nonNegativeNumber('--belief-weight'))
    .option('--expectile <τ>', `expectile τ of ILQL's V regression (default ${defaultDemoOptions.train.expectile})`, nonNegativeNumber('--expectile'))
    .option('--return-mix <λ>', `ILQL's Q target mixes in each transition's return-to-go: (1 − λ)·(r + γV(s′)) + λ·G (default: ${defaultDemoOptions.train.returnMix})`, nonNegativeNumber('--return-mix'))
    .option('--answered', 'the prior and Q of every learner read how the user answered each word a candidate says again (default: on, except on instruction)')
    .option('--no-answered', 'leave the answered words out')
    .option('--answer-chance', 'with a belief: every learner also learns which questions each user can answer with a yes or a no, and agents rank a candidate likely to go unanswered after the others (default: on for guessing tasks; see docs/method.md)')
    .option('--no-answer-chance', 'leave the answer chance out: agents may ask again what the user said they do not know')
    .option('--no-belief-evidence', "with a belief (guessing tasks): it reads the state's features rather than the answer evidence, as models trained before the evidence did")
    .action(async (flags: { task: string; out: string; dialogues?: number; episodes: number; validationEpisodes?: number; steps?: number; seed: number; evalSeed: number; k: number; betas: number[]; encoder?: OfflineEmbedderKind; inputDropout?: number; prior?: 'all' | 'successes'; beliefWeight?: number; expectile?: number; returnMix?: number; answered?: boolean; beliefEvidence?: boolean; answerChance?: boolean }) => {
      const tasks = flags.task === 'all' ? builtInTaskNames() : [flags.task];
      for (const task of tasks) {
        const out = tasks.length > 1 ? join(flags.out, task) : flags.out;
        if (tasks.length > 1) process.stderr.write(`\n== ${task} ==\n`);
        const { table } = await runDemo({
          ...defaultDemoOptions,
          task,
          out,
          dialogues: flags.dialogues,
          episodes: flags.episodes,
          validationEpisodes: flags.validationEpisodes,
          seed: flags.seed,
          evalSeed: flags.evalSeed,
          k: flags.k,
          betas: flags.betas,
          train: defaultDemoOptions.train,
          encoder: flags.encoder,
          trainGiven: definedOnly({ steps: flags.steps, inputDropout: flags.inputDropout, prior: flags.prior, beliefWeight: flags.beliefWeight, expectile: flags.expectile, returnMix: flags.returnMix, answered: flags.answered, beliefEvidence: flags.beliefEvidence, answerChance: flags.answerChance }),
          log: (line) => process.stderr.write(`${line}\n`),
          progress: process.stderr,
        });
        process.stdout.write(`\n${tasks.length > 1 ? `## ${task}\n\n` : ''}${table}\n\nreport: ${out}/report.md, numbers: ${out}/results.json\n`);
      }
    });
};
