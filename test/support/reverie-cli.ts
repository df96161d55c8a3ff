/**
 * Runs the real `reverie` command line in a child process, as a user would, and returns its exit
 * code and output instead of throwing on failure, so tests can assert on errors too.
 *
 * @example
 * const { code, stderr } = await reverie('imagine', '--task', 'nope');
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const reverieBin = join(import.meta.dirname, '..', '..', 'bin', 'reverie.mjs');

export type CliRun = { code: number; stdout: string; stderr: string };

export const reverie = async (...args: string[]): Promise<CliRun> => {
  try {
    const { stdout, stderr } = await run(process.execPath, [reverieBin, ...args], { timeout: 115_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};
