/**
 * The transcript part of report.html: per agent, one collapsed <details> per episode with its
 * persona, judgement and turns, and under each turn of a value-based agent the candidates it
 * weighed (Q, V, advantage, log prior, score). Only the first MAX_TRANSCRIPTS_PER_AGENT
 * episodes of an agent go in, so the page stays small enough to open; episodes/<agent>.jsonl
 * holds them all.
 *
 * @example
 * const html = agentTranscripts(result); // '<details class="agent-transcripts" …>…</details>'
 */
import type { AgentStep, AgentStepCandidate, Turn } from '../task/types.ts';
import type { AgentResult, EpisodeRecord } from './evaluate.ts';
import { escapeHtml, formatNumber } from './html.ts';
import { agentLabel } from './labels.ts';
import { ratingLabels, ratingNames } from './llm/schemas.ts';
import type { LlmEpisodeFacts } from './llm/schemas.ts';

export const MAX_TRANSCRIPTS_PER_AGENT = 200;

const personaHtml = (persona: unknown): string => {
  if (persona !== null && typeof persona === 'object' && !Array.isArray(persona)) {
    const rows = Object.entries(persona).map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value))}</dd>`);
    return `<dl class="persona">${rows.join('')}</dl>`;
  }
  return `<pre class="persona">${escapeHtml(JSON.stringify(persona, null, 2) ?? String(persona))}</pre>`;
};

// Bare cells (styled by position in CSS): an ILQL run holds thousands of these rows. The answer
// chance, when an agent acts by it, comes last so the other columns keep their places.
const candidateRow = (candidate: AgentStepCandidate, chosen: boolean, withChance: boolean): string =>
  `<tr${chosen ? ' class="chosen"' : ''}><td>${escapeHtml(candidate.text)}</td>${[candidate.q, candidate.v, candidate.advantage, candidate.prior, candidate.score, ...(withChance ? [candidate.answerChance] : [])]
    .map((value) => `<td>${formatNumber(value)}</td>`)
    .join('')}</tr>`;

const candidatesTable = (step: AgentStep): string => {
  const candidates = step.candidates ?? [];
  if (candidates.length === 0) return '';
  // The agent said step.text; mark the first candidate with that text as the one chosen.
  const chosenAt = candidates.findIndex((candidate) => candidate.text === step.text);
  const withChance = candidates.some((candidate) => candidate.answerChance !== undefined);
  const rows = candidates.map((candidate, at) => candidateRow(candidate, at === chosenAt, withChance));
  return [
    '<table class="candidates">',
    `<caption>${candidates.length} candidate${candidates.length === 1 ? '' : 's'} considered; the one said is highlighted</caption>`,
    `<thead><tr><th>candidate</th><th>Q</th><th>V</th><th>advantage</th><th>log prior</th><th>score</th>${withChance ? '<th>answer chance</th>' : ''}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody></table>`,
  ].join('');
};

const turnsHtml = (turns: readonly Turn[], steps: readonly AgentStep[]): string => {
  let agentTurn = 0;
  const items = turns.map((turn) => {
    const step = turn.role === 'agent' ? steps[agentTurn++] : undefined;
    return `<li class="turn ${turn.role}"><span class="who">${turn.role}</span><p>${escapeHtml(turn.text)}</p>${step === undefined ? '' : candidatesTable(step)}</li>`;
  });
  return `<ol class="turns">${items.join('')}</ol>`;
};

/** What an LLM judge and the persona check said, or the raw replies that could not be used. */
const llmFactsHtml = (llm: LlmEpisodeFacts): string => {
  const parts: string[] = [];
  if (llm.verdict !== undefined) {
    const { verdict } = llm;
    const ratings = ratingNames.map((name) => `${ratingLabels[name]} ${verdict.ratings[name]}`).join(' · ');
    parts.push(`<p class="ratings"><strong>ratings (1–5):</strong> ${escapeHtml(ratings)}${verdict.success ? '' : ` · <strong>failure cause:</strong> ${escapeHtml(verdict.failureCause)}`}</p>`);
  }
  if (llm.failure !== undefined) {
    const who = llm.failure.stage === 'judge' ? 'judge' : 'simulated user';
    parts.push(`<p class="unusable"><strong>unusable ${who} reply:</strong> ${escapeHtml(llm.failure.message)}</p>`);
    parts.push(...llm.failure.raw.map((raw) => `<pre class="raw">${escapeHtml(raw)}</pre>`));
  }
  const check = llm.personaCheck;
  if (check !== undefined) {
    const said = 'leftPersona' in check ? (check.leftPersona ? `left their persona: ${check.problem}` : 'stayed in persona') : `check unusable: ${check.message}`;
    parts.push(`<p class="persona-check"><strong>simulated user:</strong> ${escapeHtml(said)}</p>`);
  }
  return parts.join('\n');
};

const episodeHtml = (record: EpisodeRecord<unknown>, trials: number): string => {
  const { episode, llm } = record;
  const { judgement } = episode;
  const unusable = llm?.failure;
  const facts = [
    `persona ${record.index}`,
    ...(trials > 1 ? [`trial ${record.trial + 1}/${trials}`] : []),
    ...(unusable === undefined ? [`reward ${formatNumber(judgement.reward)}`] : []),
    `${episode.steps.length} agent turn${episode.steps.length === 1 ? '' : 's'}`,
    unusable?.stage === 'user' ? 'simulator failure' : episode.ended === 'user' ? 'ended by the user' : 'turn limit',
  ];
  const badge = unusable !== undefined ? ['failure', 'not judged'] : judgement.success ? ['success', 'success'] : ['failure', 'failure'];
  return [
    `<details class="episode" data-index="${record.index}" data-trial="${record.trial}">`,
    `<summary><span class="badge ${badge[0]}">${badge[1]}</span> ${facts.map(escapeHtml).join(' · ')}</summary>`,
    '<div class="episode-body">',
    personaHtml(record.persona),
    `<p class="judgement"><strong>judge:</strong> ${escapeHtml(judgement.reason)}</p>`,
    ...(llm === undefined ? [] : [llmFactsHtml(llm)]),
    turnsHtml(episode.turns, episode.steps),
    '</div></details>',
  ].join('\n');
};

export const agentTranscripts = (result: AgentResult<unknown>): string => {
  const shown = result.episodes.slice(0, MAX_TRANSCRIPTS_PER_AGENT);
  const total = result.episodes.length;
  const note =
    shown.length < total
      ? `the first ${shown.length} of ${total} episodes; all are in episodes/${result.name}.jsonl`
      : `${total} episode${total === 1 ? '' : 's'}`;
  return [
    `<details class="agent-transcripts" data-agent="${escapeHtml(result.name)}">`,
    `<summary>${escapeHtml(agentLabel(result.name))} <span class="muted">(${escapeHtml(note)})</span></summary>`,
    ...shown.map((record) => episodeHtml(record, result.trials)),
    '</details>',
  ].join('\n');
};
