/**
 * Runs the real `reverie` command line in a child process, as a user would, and returns its exit
 * code and output instead of throwing on failure, so tests can assert on errors too. It runs the
 * sources (through tsx), so a test sees the code as it is now, not the last build; the packaging
 * test runs the built bin.
 *
 * @example
 * const { code, stderr } = await reverie('imagine', '--task', 'nope');
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** What to pass to `node` to run the command line from the sources, before its own arguments. */
export const reverieNodeArgs = ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts')];

export type CliRun = { code: number; stdout: string; stderr: string };

export const reverie = async (...args: string[]): Promise<CliRun> => {
  try {
    // Below the longest test's own timeout (a demo of every task, on a busy machine).
    const { stdout, stderr } = await run(process.execPath, [...reverieNodeArgs, ...args], { timeout: 115_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};
