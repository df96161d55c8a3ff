/**
 * `reverie check FILE…`: validates task specs and catalogs without imagining anything, prints
 * every problem as `file:line:col: error: message` with a hint, and exits non-zero on any error.
 */
import type { Command } from 'commander';
import { checkTaskFile, errorCount, formatCheck } from '../tasks/catalog/check-file.ts';

export const runCheck = async (files: readonly string[]): Promise<void> => {
  const results = [];
  for (const file of files) {
    const result = await checkTaskFile(file);
    process.stdout.write(formatCheck(result));
    results.push(result);
  }
  if (errorCount(results) > 0) process.exitCode = 1;
};

export const registerCheck = (program: Command): void => {
  program
    .command('check')
    .description('check task specs and catalogs: every problem with a hint, and what a catalog lets the simulated user understand')
    .argument('<files...>', 'task spec or catalog YAML files')
    .action(runCheck);
};
