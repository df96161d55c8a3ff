/**
 * `reverie serve` as a process: it prints where it listens, takes its token from the
 * environment, refuses an oracle (no persona to read), and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'bin', 'reverie.mjs');

describe('reverie serve as a process', () => {
  it('serves with the token from REVERIE_SERVE_TOKEN and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--agent', 'naive', '--port', '0'], { env: { ...process.env, REVERIE_SERVE_TOKEN: 'env-token' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 20_000;
    while (!/at (http:\/\/\S+)\/v1/.test(stdout) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    const url = /at (http:\/\/\S+)\/v1/.exec(stdout)?.[1];
    expect(url, stderr).toBeDefined();
    expect(stdout).toContain('bearer token required');
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    const completion = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer env-token' },
      body: JSON.stringify({ model: 'naive', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(completion.status).toBe(200);
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(stdout).toContain('stopped');
    expect(stderr).toContain('SIGTERM: finishing 0 request(s) in flight');
  });

  it('refuses to serve the oracle, which needs a hidden persona', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--agent', 'oracle', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(1);
    expect(stderr).toContain('reads a hidden persona');
  });
});
