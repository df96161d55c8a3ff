/**
 * Small HTTP helpers for the server: bodies read with a size limit and a content-type check,
 * JSON answers, and constant-time bearer-token checks.
 *
 * @example
 * const text = await readBody(request, { limit: 1 << 20, json: true });
 * sendJson(response, 200, { ok: true });
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServeError } from './errors.ts';

export const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store', ...headers });
  response.end(text);
};

export const sendError = (response: ServerResponse, error: ServeError): void => {
  // A body we stopped reading would otherwise sit in the socket and poison the next request.
  const headers = error.status === 413 ? { ...error.headers, connection: 'close' } : error.headers;
  sendJson(response, error.status, error.body(), headers);
};

const tooLarge = (limit: number) => new ServeError(413, `The request body is larger than ${limit} bytes.`, { code: 'request_too_large' });

/** Bodies over the limit are read and discarded up to this many bytes so the 413 reaches the client. */
export const DEFAULT_DRAIN_CAP = 64 * 1024 * 1024;

/**
 * The whole body as text. Over `limit` bytes it is not buffered, but read to its end before the
 * 413 goes out: a server that answers while the client is still sending resets the connection,
 * and the client would see a network error instead of the status. Past `drainCap` bytes (default
 * the larger of 64 MiB and 4 × limit) the connection is dropped; the server's request timeout
 * bounds a slow body.
 */
export const readBody = (request: IncomingMessage, options: { limit: number; json: boolean; drainCap?: number }): Promise<string> =>
  new Promise((resolve, reject) => {
    let refusal: ServeError | undefined;
    if (options.json) {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (type !== 'application/json') {
        refusal = new ServeError(415, `Send the request body as application/json (got ${type === '' ? 'no content-type' : type}).`, { code: 'unsupported_media_type' });
      }
    }
    if (refusal === undefined && Number(request.headers['content-length'] ?? 0) > options.limit) refusal = tooLarge(options.limit);
    const drainCap = options.drainCap ?? Math.max(DEFAULT_DRAIN_CAP, 4 * options.limit);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refusal === undefined && size > options.limit) refusal = tooLarge(options.limit);
      if (refusal === undefined) chunks.push(chunk);
      else if (size > drainCap) {
        request.destroy();
        reject(refusal);
      }
    });
    request.on('end', () => (refusal === undefined ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(refusal)));
    request.on('error', reject);
  });

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Bearer token check; hashing first makes the comparison constant-time whatever the lengths. */
export const checkBearer = (request: IncomingMessage, token: string | undefined): void => {
  if (token === undefined) return;
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (match === null || !timingSafeEqual(digest(match[1] ?? ''), digest(token))) {
    throw new ServeError(401, header === '' ? 'Missing bearer token: send Authorization: Bearer <token>.' : 'Incorrect bearer token.', {
      code: 'invalid_api_key',
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
};
