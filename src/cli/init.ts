/**
 * `reverie init [--catalog recommendation|guessing] [NAME]`: writes NAME.yaml, a commented
 * starting catalog that `reverie check` passes and `reverie demo --task NAME.yaml` runs.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { writeStarterCatalog } from '../tasks/catalog/init.ts';
import type { Family } from '../tasks/catalog/init.ts';

export const registerInit = (program: Command): void => {
  program
    .command('init')
    .description('write a commented starting catalog, NAME.yaml, that check passes and demo runs')
    .argument('[name]', 'task name, also the file name', 'my-task')
    .addOption(new Option('--catalog <family>', 'the kind of task').choices(['guessing', 'recommendation']).default('guessing'))
    .action(async (name: string, flags: { catalog: Family }) => {
      const file = await writeStarterCatalog({ family: flags.catalog, name, dir: process.cwd() });
      process.stdout.write(`wrote ${file}\nnext: reverie check ${name}.yaml, then reverie demo --task ${name}.yaml\n`);
    });
};
