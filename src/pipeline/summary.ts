/**
 * What an imagined dataset holds, per behaviour: how many dialogues, how often they
 * succeeded, their mean reward and length. Printed after `imagine` so a person sees at once
 * whether the data has both successes and failures.
 *
 * @example
 * console.log(datasetSummary(dialogues));
 */
import type { Dialogue } from '../data/dialogue.ts';
import { markdownTable } from '../eval/report.ts';

export const datasetSummary = (dialogues: readonly Dialogue[]): string => {
  const groups = new Map<string, Dialogue[]>();
  for (const dialogue of dialogues) {
    const behaviour = typeof dialogue.meta.behaviour === 'string' ? dialogue.meta.behaviour : 'unknown';
    groups.set(behaviour, [...(groups.get(behaviour) ?? []), dialogue]);
  }
  const row = (name: string, group: readonly Dialogue[]) => {
    const n = Math.max(1, group.length);
    const agentTurns = group.reduce((sum, dialogue) => sum + dialogue.turns.filter((turn) => turn.role === 'agent').length, 0);
    return [
      name,
      String(group.length),
      (group.filter((dialogue) => dialogue.success).length / n).toFixed(3),
      (group.reduce((sum, dialogue) => sum + dialogue.reward, 0) / n).toFixed(3),
      (agentTurns / n).toFixed(2),
    ];
  };
  return markdownTable(
    ['behaviour', 'dialogues', 'success', 'mean reward', 'agent turns'],
    [...[...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, group]) => row(name, group)), row('all', dialogues)],
  );
};
