/**
 * The page `reverie serve` shows at GET /, in headless Chromium: enter the token, chat with a
 * trained agent and see its reply with the candidates it weighed, see an upstream failure as a
 * message, and browse the dataset page by page. Nothing may be loaded from anywhere but the server.
 */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../src/data/jsonl.ts';
import { dialogueSchema } from '../src/data/dialogue.ts';
import { browseDialogues } from '../src/serve/dialogues.ts';
import { startServe } from '../src/serve/server.ts';
import type { ServeHandle } from '../src/serve/server.ts';
import { createServeFixture, PROMPTED_REPLY } from './support/serve-fixture.ts';
import type { ServeFixture } from './support/serve-fixture.ts';

const SCREENSHOT = '/tmp/reverie-serve.png';
const TOKEN = 'browser-token-42';
const HOSTILE = '<img src=x onerror="window.injected=1"><b class="injected">bold?</b>';

let fixture: ServeFixture;
let server: ServeHandle;
let browser: Browser;
let page: Page;
const foreign: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  fixture = await createServeFixture();
  const data = await readJsonl(fixture.dataFile, dialogueSchema);
  const hostile = { ...data[0]!, id: 'hostile', turns: [{ role: 'user' as const, text: HOSTILE }] };
  server = await startServe({ agents: fixture.agents, port: 0, token: TOKEN, dialogues: browseDialogues(fixture.dataFile, [hostile, ...data]), title: 'Reverie · Travel agent', log: () => undefined });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url)) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx/5xx answer; the 401 before the token and the 502 are expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${server.url}/`, { waitUntil: 'load' });
}, 40_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.cleanup();
});

const send = async (text: string) => {
  const before = await page.locator('#conversation li.turn').count();
  await page.fill('#message', text);
  await page.click('#send');
  const answered = async () => (await page.locator('#conversation li.turn').count()) > before + 1 || ((await page.locator('#chat-error').textContent()) ?? '') !== '';
  await expect.poll(answered, { timeout: 10_000 }).toBe(true);
};

describe('the serve web page in headless Chromium', () => {
  it('asks for the token, then lists the agents', async () => {
    expect(await page.locator('#token-label').isVisible()).toBe(true);
    await expect.poll(() => page.locator('#chat-error').textContent()).toContain('Missing bearer token');
    await page.fill('#token', TOKEN);
    await page.locator('#token').dispatchEvent('change');
    await expect.poll(() => page.locator('#model option').count()).toBe(4);
    expect(await page.locator('#model option').allTextContents()).toEqual(['naive', 'ilql', 'prompted', 'broken']);
    expect(await page.locator('h1').textContent()).toBe('Reverie · Travel agent');
  });

  it('chats with a trained agent and shows the candidates it weighed', async () => {
    await page.selectOption('#model', 'ilql');
    await send('Hi! I have a free afternoon, any ideas?');
    const reply = (await page.locator('li.turn.agent .text').last().textContent()) ?? '';
    expect(await page.locator('li.turn.agent .who').last().textContent()).toBe('ilql');
    expect(fixture.library).toContain(reply);
    await send('I love museums, something calm and indoors.');
    expect(await page.locator('li.turn.agent').count()).toBe(2);
    const details = page.locator('li.turn.agent details').last();
    await details.locator('summary').click();
    expect(await details.locator('tbody tr').count()).toBe(4);
    const last = (await page.locator('li.turn.agent .text').last().textContent()) ?? '';
    expect(await details.locator('tr.chosen td').first().textContent()).toBe(last);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('talks with the prompted agent, and shows an upstream failure without losing the conversation', async () => {
    await page.click('#reset');
    await page.selectOption('#model', 'prompted');
    await send('Hello there');
    expect(await page.locator('li.turn.agent .text').last().textContent()).toBe(PROMPTED_REPLY);
    await page.selectOption('#model', 'broken');
    await send('Are you still there?');
    expect(await page.locator('#chat-error').textContent()).toContain("The agent's LLM failed");
    expect(await page.locator('li.turn').count()).toBe(3);
    expect(await page.locator('#send').isEnabled()).toBe(true);
  });

  it('browses the dataset page by page, opens a dialogue and filters by outcome; text stays text', async () => {
    await page.click('#tab-dialogues');
    await expect.poll(() => page.locator('#dialogue-table tbody tr.dialogue').count()).toBe(20);
    expect(await page.locator('#page-info').textContent()).toBe('1–20 of 46');
    expect(await page.locator('#summary').textContent()).toContain('46 dialogues');
    await page.locator('#dialogue-table tbody tr.dialogue').first().click();
    expect(await page.locator('tr.transcript li').first().textContent()).toBe(`user: ${HOSTILE}`);
    expect(await page.locator('.injected').count()).toBe(0);
    expect(await page.evaluate('window.injected')).toBeUndefined();
    await page.click('#next');
    await expect.poll(() => page.locator('#page-info').textContent()).toBe('21–40 of 46');
    expect(await page.locator('#dialogue-table tbody tr.dialogue td').first().textContent()).toBe('travel-1-000019');
    await page.locator('#dialogue-table tbody tr.dialogue').nth(2).click();
    expect(await page.locator('tr.transcript li').count()).toBeGreaterThan(1);
    await page.selectOption('#outcome', 'success');
    await expect.poll(() => page.locator('#page-info').textContent()).toMatch(/^1–\d+ of (?!46$)\d+$/);
    const successes = await page.locator('#dialogue-table tbody tr.dialogue td:nth-child(3)').allTextContents();
    expect(successes.length).toBeGreaterThan(0);
    expect(new Set(successes)).toEqual(new Set(['yes']));
    await page.locator('#dialogue-table tbody tr.dialogue').nth(1).click();
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-dialogues.png'), fullPage: true });
  });

  it('loaded nothing from elsewhere and raised no script error', () => {
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});
