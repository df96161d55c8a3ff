// Packs Reverie as npm would publish it, installs the tarball into an empty folder (from the npm
// cache first), and there: runs the installed `reverie` command, type-checks a TypeScript file
// that imports the package, and runs the README's library example exactly as printed, comparing
// what it prints with the README. Prints each step; exits non-zero on the first failure.
//
//   node scripts/check-pack.mjs [--keep]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'reverie-pack-'));
const app = join(work, 'app');
const step = (what) => process.stdout.write(`\n== ${what}\n`);
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });

const blockAfter = (markdown, marker) => {
  const at = markdown.indexOf(`<!-- ${marker} -->`);
  const fence = /```[a-z]*\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (at < 0 || fence === null) throw new Error(`README.md has no code block after <!-- ${marker} -->`);
  return fence[1];
};

try {
  step('npm pack');
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root));
  const tarball = join(work, packed[0].filename);
  process.stdout.write(`${packed[0].filename}: ${packed[0].entryCount} files, ${(packed[0].size / 1024).toFixed(0)} KB packed, ${(packed[0].unpackedSize / 1024).toFixed(0)} KB unpacked\n`);

  step('install into an empty folder (the npm cache first, then the registry)');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'reverie-consumer', private: true, type: 'module' }, null, 2)}\n`);
  process.stdout.write(run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], app));

  step('npx reverie tasks');
  process.stdout.write(run('npx', ['--no-install', 'reverie', 'tasks'], app));

  // skipLibCheck: TensorFlow.js's own declarations do not pass strict checking.
  step('tsc: a TypeScript file importing the package, with its types');
  writeFileSync(
    join(app, 'typed.ts'),
    [
      "import { agentMeanings, loadTask, parseAgentSpec, runEvaluation } from 'reverie';",
      "import type { AgentResult, EvaluationRun, TaskSimulator } from 'reverie';",
      "const task: TaskSimulator<unknown> = await loadTask('travel');",
      "const spec = parseAgentSpec('naive');",
      "const run: EvaluationRun = await runEvaluation({ task: task.spec.name, agents: [spec.name], episodes: 2, out: 'typed-eval' });",
      'const first: AgentResult<unknown> | undefined = run.results[0];',
      'const success: number = first?.success.mean ?? 0;',
      "// @ts-expect-error: episodes is a number, and the types say so",
      "await runEvaluation({ task: 'travel', agents: ['naive'], episodes: 'many', out: 'x' });",
      'console.log(success, agentMeanings.naive);',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] }, files: ['typed.ts'] }, null, 2),
  );
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
  process.stdout.write('typed.ts type-checks against the installed package\n');

  step("the README's library example, as printed");
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  writeFileSync(join(app, 'example.mjs'), blockAfter(readme, 'library-example'));
  const printed = run(process.execPath, ['example.mjs'], app);
  process.stdout.write(printed);
  if (printed !== blockAfter(readme, 'library-example-output')) throw new Error("the example printed something else than the README's output block");
  process.stdout.write('\nthe output is the README\'s, to the last digit\n');
} finally {
  if (keep) process.stdout.write(`\nkept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
