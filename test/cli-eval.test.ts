import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'bin', 'reverie.mjs');

const interval = z.object({ mean: z.number(), low: z.number(), high: z.number() });
const results = z.object({
  agents: z.array(
    z.object({ name: z.string(), episodes: z.number(), trials: z.number().optional(), passK: z.array(interval.extend({ k: z.number() })).optional() }),
  ),
  settings: z.object({ trials: z.number() }).passthrough(),
});

// One process start costs about 3 s (TensorFlow.js loads), so this is the only eval run; trials = 1
// and bad values are covered by src/eval/evaluate.test.ts and the shared flag parsers.
describe('reverie eval --trials', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reverie-cli-eval-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('meets each persona N times and reports pass^k in the terminal, results.json, report.md and report.html', async () => {
    const out = join(dir, 'trials');
    const { stdout } = await run(process.execPath, [bin, 'eval', '--task', 'travel', '--agent', 'naive', '--agent', 'oracle', '--episodes', '4', '--trials', '3', '--out', out]);
    expect(stdout).toContain('pass^3 (95% CI)');
    expect(stdout).toContain(`${out}/report.html`);
    expect((await readdir(out)).sort()).toEqual(['episodes', 'report.html', 'report.md', 'results.json']);
    const json = results.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    expect(json.settings.trials).toBe(3);
    for (const agent of json.agents) {
      expect(agent.episodes).toBe(12);
      expect(agent.trials).toBe(3);
      expect(agent.passK?.map((point) => point.k)).toEqual([1, 2, 3]);
    }
    expect(json.agents[1]?.passK?.[2]?.mean).toBe(1);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('pass^2 (95% CI)');
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('id="chart-pass-k"');
  });
});
