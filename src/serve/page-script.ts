/**
 * The web page's script, as text to inline. Plain browser JavaScript; every piece of data goes
 * into the page through textContent, never as markup, so dialogue text cannot inject anything.
 */
export const pageScript = String.raw`
'use strict';
const $ = (id) => document.getElementById(id);
const el = (tag, text, className) => { const node = document.createElement(tag); if (text !== undefined) node.textContent = text; if (className) node.className = className; return node; };
const fixed = (x, signed) => (typeof x === 'number' ? (signed && x >= 0 ? '+' : '') + x.toFixed(3) : '–');
const state = { turns: [], offset: 0, limit: 20, info: null };

const headers = (json) => {
  const out = json ? { 'content-type': 'application/json' } : {};
  const token = sessionStorage.getItem('reverie-token');
  if (token) out.authorization = 'Bearer ' + token;
  return out;
};
const call = async (path, init) => {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.error && body.error.message) || response.status + ' ' + response.statusText);
  return body;
};

function selectTab(name) {
  for (const tab of ['chat', 'dialogues']) {
    $('tab-' + tab).setAttribute('aria-selected', String(tab === name));
    $('panel-' + tab).hidden = tab !== name;
  }
  if (name === 'dialogues') loadDialogues();
}

async function loadModels() {
  try {
    const list = await call('/v1/models', { headers: headers(false) });
    const select = $('model');
    const kept = select.value;
    select.replaceChildren(...list.data.map((model) => { const option = el('option', model.id); option.value = model.id; option.title = model.description || ''; return option; }));
    if (list.data.some((model) => model.id === kept)) select.value = kept;
    $('model-info').textContent = select.selectedOptions[0] ? select.selectedOptions[0].title : '';
    $('chat-error').textContent = '';
  } catch (error) { $('chat-error').textContent = 'Could not list the agents: ' + error.message; }
}

function candidatesTable(candidates, chosen) {
  const details = el('details');
  details.append(el('summary', candidates.length + ' candidates weighed'));
  const table = el('table');
  const head = el('tr');
  for (const name of ['candidate', 'score', 'Q', 'V', 'advantage', 'prior']) head.append(el('th', name));
  table.append(el('thead')); table.tHead.append(head);
  const body = el('tbody');
  for (const c of candidates) {
    const row = el('tr', undefined, c.text === chosen ? 'chosen' : '');
    row.append(el('td', (c.source === 'llm' ? '[llm] ' : '') + c.text));
    for (const [value, signed] of [[c.score, true], [c.q], [c.v], [c.advantage, true], [c.prior]]) row.append(el('td', fixed(value, signed), 'num'));
    body.append(row);
  }
  table.append(body); details.append(table);
  return details;
}

function showTurn(role, text, candidates) {
  const item = el('li', undefined, 'turn ' + role);
  item.append(el('span', role === 'user' ? 'you' : $('model').value, 'who'), el('span', text, 'text'));
  if (candidates && candidates.length > 0) item.append(candidatesTable(candidates, text));
  $('conversation').append(item);
  item.scrollIntoView({ block: 'nearest' });
}

async function send(event) {
  event.preventDefault();
  const text = $('message').value.trim();
  if (!text) return;
  $('message').value = '';
  state.turns.push({ role: 'user', content: text });
  showTurn('user', text);
  $('send').disabled = true; $('status').textContent = 'thinking…'; $('chat-error').textContent = '';
  try {
    const reply = await call('/v1/chat/completions', { method: 'POST', headers: headers(true), body: JSON.stringify({ model: $('model').value, messages: state.turns }) });
    const content = reply.choices[0].message.content;
    state.turns.push({ role: 'assistant', content });
    showTurn('agent', content, reply.reverie && reply.reverie.candidates);
  } catch (error) {
    state.turns.pop();
    $('chat-error').textContent = error.message;
  } finally { $('send').disabled = false; $('status').textContent = ''; $('message').focus(); }
}

function transcriptRow(dialogue) {
  const row = el('tr', undefined, 'transcript');
  const cell = el('td'); cell.colSpan = 5;
  const list = el('ol', undefined, 'transcript');
  for (const turn of dialogue.turns) { const item = el('li'); item.append(el('strong', turn.role + ': '), document.createTextNode(turn.text)); list.append(item); }
  cell.append(list);
  if (dialogue.persona !== null && dialogue.persona !== undefined) cell.append(el('p', 'hidden persona: ' + JSON.stringify(dialogue.persona), 'muted'));
  if (dialogue.meta && typeof dialogue.meta.judge === 'string') cell.append(el('p', 'judge: ' + dialogue.meta.judge, 'muted'));
  row.append(cell);
  return row;
}

async function loadDialogues() {
  if (!state.info || !state.info.dialogues) { $('dialogues-error').textContent = 'No dataset loaded: start the server with --data FILE.'; return; }
  const query = new URLSearchParams({ offset: String(state.offset), limit: String(state.limit), outcome: $('outcome').value });
  try {
    const page = await call('/api/dialogues?' + query, { headers: headers(false) });
    $('dialogues-error').textContent = '';
    $('summary').textContent = page.file + ': ' + page.summary.dialogues + ' dialogues, success rate ' + (100 * page.summary.successRate).toFixed(1) + '%, mean reward ' + page.summary.meanReward.toFixed(3);
    const first = page.total === 0 ? 0 : page.offset + 1;
    $('page-info').textContent = first + '–' + Math.min(page.offset + page.limit, page.total) + ' of ' + page.total;
    $('prev').disabled = page.offset === 0;
    $('next').disabled = page.offset + page.limit >= page.total;
    const body = $('dialogue-table').tBodies[0];
    body.replaceChildren();
    for (const dialogue of page.dialogues) {
      const row = el('tr', undefined, 'dialogue');
      row.append(el('td', dialogue.id), el('td', dialogue.reward.toFixed(3), 'num'), el('td', dialogue.success ? 'yes' : 'no', dialogue.success ? 'ok' : 'bad'),
        el('td', String(dialogue.turns.filter((turn) => turn.role === 'agent').length), 'num'), el('td', String((dialogue.meta && dialogue.meta.behaviour) || '')));
      let open = null;
      row.addEventListener('click', () => { if (open) { open.remove(); open = null; } else { open = transcriptRow(dialogue); row.after(open); } });
      body.append(row);
    }
  } catch (error) { $('dialogues-error').textContent = error.message; }
}

async function start() {
  state.info = await call('/api/info', {});
  $('title').textContent = state.info.title;
  document.title = state.info.title + ' · Reverie';
  $('tab-dialogues').disabled = !state.info.dialogues;
  $('token-label').hidden = !state.info.auth;
  $('token').value = sessionStorage.getItem('reverie-token') || '';
  $('token').addEventListener('change', () => { sessionStorage.setItem('reverie-token', $('token').value); loadModels(); });
  $('tab-chat').addEventListener('click', () => selectTab('chat'));
  $('tab-dialogues').addEventListener('click', () => selectTab('dialogues'));
  $('model').addEventListener('change', () => { const option = $('model').selectedOptions[0]; $('model-info').textContent = option ? option.title : ''; });
  $('reset').addEventListener('click', () => { state.turns = []; $('conversation').replaceChildren(); $('chat-error').textContent = ''; });
  $('chat-form').addEventListener('submit', send);
  $('message').addEventListener('keydown', (event) => { if (event.key === 'Enter' && !event.shiftKey) send(event); });
  $('prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); loadDialogues(); });
  $('next').addEventListener('click', () => { state.offset += state.limit; loadDialogues(); });
  $('outcome').addEventListener('change', () => { state.offset = 0; loadDialogues(); });
  await loadModels();
}
start().catch((error) => { $('chat-error').textContent = error.message; });
`;
