/**
 * The web page at `GET /`: chat with a served agent (each reply can show the candidates it
 * weighed) and browse the loaded dataset's dialogues with their rewards. One self-contained
 * document — inline style and script, no external assets — under a strict content security
 * policy: the script runs by nonce, and the page may talk only to this server.
 *
 * @example
 * servePage(response, { title: 'travel', randomNonce: () => randomBytes(16).toString('base64') });
 */
import type { ServerResponse } from 'node:http';
import { pageScript } from './page-script.ts';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const style = `
*{box-sizing:border-box} body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2329;background:#f5f6f8}
header{background:#1f3a5f;color:#fff;padding:.7em 1.2em;display:flex;gap:1.2em;align-items:center;flex-wrap:wrap}
header h1{font-size:1.15em;margin:0} header label{font-size:.9em}
nav button{background:none;border:0;color:#cfe0f5;font:inherit;padding:.3em .6em;cursor:pointer;border-bottom:2px solid transparent}
nav button[aria-selected=true]{color:#fff;border-bottom-color:#fff} nav button:disabled{opacity:.4;cursor:default}
main{max-width:1000px;margin:1.2em auto;padding:0 1em} section[hidden]{display:none}
.bar{display:flex;gap:.6em;align-items:center;flex-wrap:wrap;margin:.5em 0}
select,input,textarea,button{font:inherit} textarea{width:100%;min-height:3.2em;padding:.5em}
button.primary{background:#1f6feb;color:#fff;border:0;border-radius:4px;padding:.45em 1.1em;cursor:pointer} button.primary:disabled{background:#8fb3ee}
#conversation{list-style:none;padding:0;margin:0 0 .8em}
.turn{margin:.45em 0;padding:.55em .8em;border-radius:8px;max-width:80%;white-space:pre-wrap}
.turn.user{background:#dbeafe;margin-left:auto} .turn.agent{background:#fff;border:1px solid #d8dde3}
.turn .who{display:block;font-size:.75em;color:#66707a;text-transform:uppercase;letter-spacing:.04em}
.error{color:#b42318} .muted{color:#66707a;font-size:.9em}
table{border-collapse:collapse;width:100%;background:#fff} th,td{border-bottom:1px solid #e3e6ea;padding:.35em .5em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} tr.dialogue{cursor:pointer} tr.dialogue:hover{background:#f0f4fa}
tr.chosen td{background:#fff4c2;font-weight:600} .ok{color:#067647} .bad{color:#b42318}
details{margin-top:.4em} details table{font-size:.85em}
ol.transcript{margin:.3em 0;padding-left:1.3em} ol.transcript li{margin:.2em 0}
`;

const body = `
<header><h1 id="title"></h1>
<nav role="tablist"><button id="tab-chat" role="tab" aria-selected="true">Chat</button><button id="tab-dialogues" role="tab" aria-selected="false">Dialogues</button></nav>
<label id="token-label" hidden>token <input id="token" type="password" autocomplete="off" size="18"></label></header>
<main>
<section id="panel-chat">
<div class="bar"><label>agent <select id="model"></select></label><button id="reset">New conversation</button><span id="model-info" class="muted"></span></div>
<ol id="conversation" aria-live="polite"></ol>
<p id="chat-error" class="error" role="alert"></p>
<form id="chat-form"><textarea id="message" placeholder="Write as the user… (Enter sends, Shift+Enter for a new line)"></textarea>
<div class="bar"><button id="send" class="primary" type="submit">Send</button><span id="status" class="muted"></span></div></form>
</section>
<section id="panel-dialogues" hidden>
<p id="summary" class="muted"></p>
<div class="bar"><label>outcome <select id="outcome"><option value="all">all</option><option value="success">successes</option><option value="failure">failures</option></select></label>
<button id="prev">← Previous</button><button id="next">Next →</button><span id="page-info" class="muted"></span></div>
<p id="dialogues-error" class="error" role="alert"></p>
<table id="dialogue-table"><thead><tr><th>id</th><th>reward</th><th>success</th><th>agent turns</th><th>behaviour</th></tr></thead><tbody></tbody></table>
<p class="muted">Click a dialogue to read it.</p>
</section>
</main>`;

export const servePage = (response: ServerResponse, options: { title: string; randomNonce: () => string }): void => {
  const nonce = options.randomNonce();
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · Reverie</title><style nonce="${nonce}">${style}</style></head><body>${body}
<script nonce="${nonce}">${pageScript}</script></body></html>`;
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(html)),
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  response.end(html);
};
