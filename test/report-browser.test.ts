/**
 * report.html in a real browser: a short evaluation of built-in travel agents is written with
 * writeReport, then opened from disk in headless Chromium, which must show the table, the
 * charts and expandable transcripts without a single network request. Chromium is required
 * (CI installs it); a missing browser fails the test rather than skipping it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAgent } from '../src/eval/evaluate.ts';
import type { AgentResult } from '../src/eval/evaluate.ts';
import { agentLabel } from '../src/eval/labels.ts';
import { writeReport } from '../src/eval/report.ts';
import type { AgentFactory } from '../src/task/types.ts';
import { loadTravelTask } from '../src/tasks/travel/index.ts';
import type { TravelPersona } from '../src/tasks/travel/persona.ts';

const SCREENSHOT = '/tmp/reverie-report.png';
const HOSTILE = '<b class="injected">bold?</b> & "quotes"';

let dir: string;
let browser: Browser;
let page: Page;
let results: AgentResult<TravelPersona>[];
let fileUrl: string;
const requests: string[] = [];
const blocked: string[] = [];

/**
 * The oracle's words, dressed as a value-based agent: each step records two candidates with
 * made-up Q, V, advantage and prior, one of them carrying markup that must show as text.
 */
const scoredOracle = (oracle: AgentFactory<TravelPersona>): AgentFactory<TravelPersona> => (episode) => {
  const inner = oracle(episode);
  return {
    name: 'scored',
    act: async (turns) => {
      const step = await inner.act(turns);
      return {
        text: step.text,
        candidates: [
          { text: step.text, q: 0.9, v: 0.5, advantage: 0.4, prior: -1.2, score: 0.4 },
          { text: HOSTILE, q: 0.2, v: 0.5, advantage: -0.3, prior: -0.7, score: -1.9 },
        ],
      };
    },
  };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reverie-report-browser-'));
  const task = await loadTravelTask();
  const options = { episodes: 6, seed: 1000, trials: 2 };
  results = [
    await evaluateAgent(task, 'naive', task.naive, options),
    await evaluateAgent(task, 'oracle', task.oracle, options),
    await evaluateAgent(task, 'scored', scoredOracle(task.oracle), options),
  ];
  await writeReport(dir, { task: 'travel', results, settings: { episodes: 6, trials: 2, seed: 1000 }, notes: ['browser test'] });
  fileUrl = pathToFileURL(join(dir, 'report.html')).href;

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // Anything that is not the report itself is recorded and refused.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === fileUrl) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(fileUrl, { waitUntil: 'load' });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('report.html in headless Chromium', () => {
  it('shows one table row per agent with success, reward, turns and pass^k', async () => {
    // The first results table; the behaviour table below it shares its style.
    const rows = page.locator('table.results').first().locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-agent')))).toEqual(['naive', 'oracle', 'scored']);
    // How the agents behaved: its own table, one row per agent too.
    expect(await page.locator('table.diagnostics tbody tr').count()).toBe(3);
    const headers = await page.locator('table.results').first().locator('thead th').allTextContents();
    expect(headers.slice(0, 4)).toEqual(['agent', 'success (95% CI)', 'mean reward (95% CI)', 'mean turns']);
    expect(headers).toContain('pass2 (95% CI)');
    const oracle = await page.locator('table.results').first().locator('tr[data-agent="oracle"] td').allTextContents();
    expect(oracle[0]).toBe(agentLabel('oracle'));
    expect(oracle[1]).toMatch(/^1\.000 \[0\.\d{3}, 1\.000\]$/);
    expect(oracle[3]).toBe((results[1]?.turns ?? 0).toFixed(2));
    // Every persona passes: the interval is Wilson's floor over the personas, not zero-width.
    expect(oracle.at(-1)).toMatch(/^1\.000 \[0\.\d{3}, 1\.000\]$/);
  });

  it('draws every chart as inline SVG with marks for each agent', async () => {
    const labels = results.map((result) => agentLabel(result.name));
    for (const [id, role] of [['chart-success', 'bar'], ['chart-reward', 'bar'], ['chart-turns', 'bar'], ['chart-pass-k', 'line mark']] as const) {
      const svg = page.locator(`#${id} svg`);
      expect(await svg.count(), id).toBe(1);
      const box = await svg.boundingBox();
      expect(box?.width ?? 0, id).toBeGreaterThan(200);
      expect(box?.height ?? 0, id).toBeGreaterThan(50);
      const marks = await svg.locator(`[aria-roledescription="${role}"]`).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label') ?? ''));
      for (const label of labels) expect(marks.some((mark) => mark.includes(label)), `${id}: ${label}`).toBe(true);
    }
  });

  it('expands a transcript to its turns and, for a value-based agent, its candidates', async () => {
    const agent = page.locator('details.agent-transcripts[data-agent="scored"]');
    const episode = agent.locator('details.episode').first();
    expect(await episode.locator('ol.turns').isVisible()).toBe(false);
    await agent.locator(':scope > summary').click();
    await episode.locator(':scope > summary').click();
    expect(await episode.getAttribute('open')).not.toBeNull();
    expect(await episode.locator('li.turn.user').first().isVisible()).toBe(true);
    const firstAgentTurn = results[2]?.episodes[0]?.episode.turns.find((turn) => turn.role === 'agent')?.text ?? '';
    expect(await episode.locator('li.turn.agent p').first().textContent()).toBe(firstAgentTurn);
    const table = episode.locator('table.candidates').first();
    expect(await table.isVisible()).toBe(true);
    expect(await table.locator('tbody tr').count()).toBe(2);
    expect(await table.locator('tr.chosen td').first().textContent()).toBe(firstAgentTurn);
    // The candidate with markup is shown as text, never parsed into elements.
    expect(await table.locator('tbody tr').nth(1).locator('td').first().textContent()).toBe(HOSTILE);
    expect(await page.locator('.injected').count()).toBe(0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('made no network request: the report was the only thing loaded', () => {
    expect(blocked).toEqual([]);
    expect(requests).toEqual([fileUrl]);
  });
});
