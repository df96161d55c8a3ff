import { describe, expect, it } from 'vitest';
import type { Dialogue } from '../data/dialogue.ts';
import { datasetSummary } from './summary.ts';

const dialogue = (index: number, behaviour: string | undefined, success: boolean, reward: number, agentTurns: number): Dialogue => ({
  id: `toy-1-${String(index).padStart(6, '0')}`,
  task: 'toy',
  persona: {},
  turns: [
    { role: 'user', text: 'Hello' },
    ...Array.from({ length: agentTurns }, (_, i) => [
      { role: 'agent' as const, text: `Question ${i}?` },
      { role: 'user' as const, text: `Answer ${i}.` },
    ]).flat(),
  ],
  reward,
  success,
  meta: behaviour === undefined ? {} : { behaviour },
});

/** Cells of each data row (after the header and separator), trimmed. */
const rows = (table: string): string[][] =>
  table
    .split('\n')
    .slice(2)
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));

describe('datasetSummary', () => {
  const dialogues = [
    dialogue(0, 'open-questions', true, 0.9, 3),
    dialogue(1, 'eager', false, 0.2, 1),
    dialogue(2, 'open-questions', false, 0.5, 2),
    dialogue(3, 'open-questions', true, 1, 1),
    dialogue(4, 'eager', false, 0.4, 1),
    dialogue(5, undefined, true, 0.8, 2),
  ];
  const table = datasetSummary(dialogues);

  it('has a header, a separator and one row per behaviour (sorted) plus `all`', () => {
    const lines = table.split('\n');
    expect(lines[0]?.split('|').slice(1, -1).map((cell) => cell.trim())).toEqual(['behaviour', 'dialogues', 'success', 'mean reward', 'agent turns']);
    expect(lines[1]).toMatch(/^\|(-+\|)+$/);
    expect(rows(table).map((row) => row[0])).toEqual(['eager', 'open-questions', 'unknown', 'all']);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('gives hand-checked counts, success shares, mean rewards and agent turns', () => {
    expect(rows(table)).toEqual([
      ['eager', '2', '0.000', '0.300', '1.00'],
      ['open-questions', '3', '0.667', '0.800', '2.00'],
      ['unknown', '1', '1.000', '0.800', '2.00'],
      ['all', '6', '0.500', '0.633', '1.67'],
    ]);
  });

  it('gives just the `all` row of zeros for no dialogues', () => {
    expect(rows(datasetSummary([]))).toEqual([['all', '0', '0.000', '0.000', '0.00']]);
  });
});
