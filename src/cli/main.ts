/**
 * The `reverie` command line. Each command lives in its own file; this one wires them up and
 * turns our errors into a message and a hint instead of a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { ReverieError } from '../errors.ts';
import { LlmAbortedError } from '../llm/errors.ts';
import { registerChat } from './chat.ts';
import { registerCheck } from './check.ts';
import { registerDemo } from './demo.ts';
import { registerEval } from './eval.ts';
import { registerImagine } from './imagine.ts';
import { registerInit } from './init.ts';
import { registerServe } from './serve.ts';
import { registerTasks } from './tasks.ts';
import { registerTrain } from './train.ts';

const program = new Command('reverie')
  .description('Goal-directed dialogue agents trained by offline RL on imagined conversations')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerDemo(program);
registerImagine(program);
registerTrain(program);
registerEval(program);
registerChat(program);
registerServe(program);
registerTasks(program);
registerCheck(program);
registerInit(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (ReverieError.isInstance(error)) {
    process.stderr.write(`reverie: ${error.message}\n${error.hint === undefined ? '' : `hint: ${error.hint}\n`}`);
    // Cancelled by Ctrl-C or SIGTERM: the shell's convention for an interrupted command.
    process.exitCode = LlmAbortedError.isInstance(error) ? 130 : 1;
  } else {
    process.stderr.write(`reverie: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  }
}
