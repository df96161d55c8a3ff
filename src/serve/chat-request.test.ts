import { describe, expect, it } from 'vitest';
import { parseChatRequest, toTurns } from './chat-request.ts';
import { streamPieces } from './completions.ts';
import { ServeError } from './errors.ts';

const refusal = (json: unknown, maxMessages = 10): ServeError => {
  try {
    parseChatRequest(json, { maxMessages });
  } catch (error) {
    expect(error).toBeInstanceOf(ServeError);
    return error as ServeError;
  }
  throw new Error('expected a refusal');
};

describe('parseChatRequest', () => {
  it('accepts what OpenAI clients send, text parts included, and ignores fields that change nothing here', () => {
    const request = parseChatRequest(
      { model: 'ilql', messages: [{ role: 'system', content: 'be nice' }, { role: 'user', content: [{ type: 'text', text: 'Hi ' }, { type: 'text', text: 'there' }] }], temperature: 0.2, stream: null, n: 1, logit_bias: {} },
      { maxMessages: 10 },
    );
    expect(toTurns(request.messages)).toEqual([{ role: 'user', text: 'Hi there' }]);
  });

  it('maps assistant to agent and keeps the order', () => {
    const request = parseChatRequest({ model: 'x', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'developer', content: 'note' }, { role: 'user', content: 'c' }] }, { maxMessages: 10 });
    expect(toTurns(request.messages)).toEqual([
      { role: 'user', text: 'a' },
      { role: 'agent', text: 'b' },
      { role: 'user', text: 'c' },
    ]);
  });

  it('refuses with 400 and the field: images, null content, n > 1, tools, too many messages', () => {
    expect(refusal({ model: 'x', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:' } }] }] }).param).toBe('messages.0.content');
    expect(refusal({ model: 'x', messages: [{ role: 'assistant', content: null }] }).param).toBe('messages.0.content');
    expect(refusal({ model: 'x', messages: [{ role: 'user', content: 'a' }], n: 3 }).param).toBe('n');
    expect(refusal({ model: 'x', messages: [{ role: 'user', content: 'a' }], tools: [{ type: 'function' }] }).param).toBe('tools');
    const many = refusal({ model: 'x', messages: Array.from({ length: 11 }, () => ({ role: 'user', content: 'a' })) });
    expect([many.status, many.code]).toEqual([400, 'too_many_messages']);
    expect(refusal('just a string').status).toBe(400);
  });
});

describe('streamPieces', () => {
  it('splits into words that join back to the exact text', () => {
    for (const text of ['How about the museum?', '  leading and trailing  ', 'one', '', 'line\nbreak\ttab']) {
      expect(streamPieces(text).join('')).toBe(text);
    }
    expect(streamPieces('How about it?')).toEqual(['How', ' about', ' it?']);
  });
});
