import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { imagineDialogue } from '../../imagine/offline.ts';
import { loadTravelTask } from './index.ts';

describe('travel as a catalog', () => {
  it('imagines exactly the dialogues the hand-written travel simulator imagined', async () => {
    // SHA-256 of the first 200 dialogues (seed 1) as JSON lines joined by "\n", computed with
    // travel's hand-written simulator before it became catalog.yaml. Any change to what travel
    // users say, how agents draw, or how the judge scores shows up here.
    const task = await loadTravelTask();
    const lines: string[] = [];
    for (let index = 0; index < 200; index += 1) lines.push(JSON.stringify(await imagineDialogue(task, 1, index)));
    expect(createHash('sha256').update(lines.join('\n')).digest('hex')).toBe('8393c17ab157b0e3ac520c69adc3868d8926a22749deb19cbf2c78669b784b93');
  });
});
