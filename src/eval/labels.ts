/**
 * The names people read for the agents Reverie knows; any other agent keeps its own name.
 *
 * @example
 * agentLabel('fbc'); // 'filtered BC'
 */
export const agentLabels: Record<string, string> = {
  behaviour: 'behaviour in the imagined data',
  naive: 'naive (acts at once, without asking)',
  bc: 'BC',
  fbc: 'filtered BC',
  mc: 'MC returns (utterance-level)',
  ilql: 'ILQL (utterance-level)',
  oracle: 'oracle (knows the hidden persona)',
  prompted: 'prompted LLM (no training)',
};

export const agentLabel = (name: string): string => agentLabels[name] ?? name;
