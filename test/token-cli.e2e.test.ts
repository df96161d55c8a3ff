import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJsonlAtomic } from '../src/data/jsonl.ts';
import { reverie } from './support/reverie-cli.ts';
import { travelDialogues } from './support/token-fixtures.ts';

// Each process start costs about 3 s (TensorFlow.js loads): one training run and one evaluation.
describe('reverie train --algorithm token-ilql, then eval --agent NAME=DIR', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reverie-token-cli-'));
    await writeJsonlAtomic(join(dir, 'dialogues.jsonl'), await travelDialogues(12));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains a tiny token model into a checkpoint folder that eval acts with', async () => {
    const out = join(dir, 'tok');
    const tiny = ['--embd', '32', '--layers', '1', '--heads', '2', '--vocab-size', '300', '--max-length', '192', '--batch-size', '4'];
    const trained = await reverie('train', '--data', join(dir, 'dialogues.jsonl'), '--algorithm', 'token-ilql', '--steps', '3', ...tiny, '--out', out);
    expect(trained.code).toBe(0);
    // The progress line: steps, rate, time, tokens/s and the losses.
    expect(trained.stderr).toMatch(/^train token-ilql {2}3\/3 {2}100\.0% .* done in \d+s {2}tokens\/s [\d.k]+ {2}td [\d.]+ {2}value [\d.]+ {2}cql [\d.]+ {2}lm [\d.]+$/m);
    expect(trained.stdout).toMatch(/^token-ilql: 12 dialogues, \d+ tokens \(\d+ agent tokens\); [\d,]+ LM parameters \+ [\d,]+ in the Q\/V heads$/m);
    expect(trained.stdout).toMatch(/3 steps in [\d.]+ s of training \(\d+ tokens\/s on wasm\); final losses td [\d.]+, value [\d.]+, cql [\d.]+, lm [\d.]+/);
    const info = JSON.parse(await readFile(join(out, 'reverie.json'), 'utf8')) as { format: string; options: { model: { embd: number } } };
    expect(info.format).toBe('reverie-token-model');
    expect(info.options.model.embd).toBe(32);

    const evaluated = await reverie('eval', '--task', 'travel', '--agent', `tok=${out}`, '--episodes', '2', '--out', join(dir, 'eval'));
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain('| tok ');
    const results = JSON.parse(await readFile(join(dir, 'eval', 'results.json'), 'utf8')) as { agents: { name: string; episodes: number }[] };
    expect(results.agents).toEqual([expect.objectContaining({ name: 'tok', episodes: 2 })]);
  });

  it('names the token-level flags in --help', async () => {
    const { stdout } = await reverie('train', '--help');
    for (const flag of ['token-ilql', '--layers', '--embd', '--heads', '--vocab-size', '--max-length', '--init', '--save-every', '--shared-trunk']) expect(stdout).toContain(flag);
  });
});
