/**
 * Structured replies: describe a zod schema to the model, dig the JSON out of what it wrote
 * (code fences, prose around it), validate it, and phrase the repair re-ask when that fails.
 *
 * @example
 * const result = parseStructured('Sure!\n```json\n{"name":"Ada"}\n```', z.object({ name: z.string() }));
 * if (result.ok) use(result.value); else console.log(describeIssues(result.issues));
 */
import { z } from 'zod';
import type { OutputIssue } from './errors.ts';
import { describeIssues } from './errors.ts';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type StructuredResult<T> = { ok: true; value: T; json: string } | { ok: false; issues: OutputIssue[] };

const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * The JSON Schema of what the model must write, i.e. the schema's input side (a field with a
 * default may be left out). Parts JSON Schema cannot express (refinements, transforms) are left
 * open rather than throwing; zod still checks them. Memoised per schema object.
 */
export function schemaToJson(schema: z.ZodType): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (json === undefined) {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    json = rest;
    jsonSchemas.set(schema, json);
  }
  return json;
}

export function jsonInstruction(name: string, jsonSchema: unknown): string {
  return (
    `Answer with a single JSON value named "${name}" that conforms to this JSON Schema. ` +
    'Write only the JSON: no prose before or after it, no code fences.\n' +
    JSON.stringify(jsonSchema)
  );
}

/**
 * The messages with the JSON instruction added to the system prompt. It goes to every provider,
 * not only those without a JSON mode: a compatible server may accept response_format and ignore it.
 */
export function withJsonInstruction(messages: readonly ChatMessage[], instruction: string): ChatMessage[] {
  const first = messages[0];
  if (first?.role === 'system') {
    return [{ role: 'system', content: `${first.content}\n\n${instruction}` }, ...messages.slice(1)];
  }
  return [{ role: 'system', content: instruction }, ...messages];
}

// Each opener costs a scan to the end of the text at worst, so both are capped: a reply with
// thousands of brackets is not JSON worth digging for.
const MAX_CANDIDATES = 50;
const MAX_OPENERS = 200;

/** Where the balanced `{…}` or `[…]` that opens at `start` closes (exclusive), ignoring brackets in strings. */
function balancedEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return undefined;
}

/**
 * Texts that might be the JSON, most likely first: the whole reply, the inside of each ``` fence,
 * then each balanced object or array in order of where it opens.
 */
export function jsonCandidates(text: string): string[] {
  const candidates = [text.trim()];
  for (const match of text.matchAll(/```[\w-]*[^\S\n]*\n?([\s\S]*?)```/g)) candidates.push((match[1] ?? '').trim());
  let openers = 0;
  for (let index = 0; index < text.length && candidates.length < MAX_CANDIDATES && openers < MAX_OPENERS; index++) {
    const char = text[index];
    if (char !== '{' && char !== '[') continue;
    openers++;
    const end = balancedEnd(text, index);
    if (end !== undefined) candidates.push(text.slice(index, end));
  }
  return candidates;
}

const toIssues = (error: z.ZodError): OutputIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
    message: issue.message,
  }));

/**
 * The first candidate that parses as JSON and satisfies `schema`. When none does, the issues of
 * the first candidate that parsed (the one the model most likely meant), or a parse failure.
 */
export function parseStructured<T>(text: string, schema: z.ZodType<T>): StructuredResult<T> {
  let firstIssues: OutputIssue[] | undefined;
  for (const candidate of jsonCandidates(text)) {
    let json: unknown;
    try {
      json = JSON.parse(candidate);
    } catch {
      continue;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, value: parsed.data, json: candidate };
    firstIssues ??= toIssues(parsed.error);
  }
  return { ok: false, issues: firstIssues ?? [{ path: [], message: 'the reply holds no parseable JSON object or array' }] };
}

/** The conversation for the one repair re-ask: the bad reply, then what was wrong with it. */
export function repairMessages(messages: readonly ChatMessage[], badReply: string, issues: readonly OutputIssue[]): ChatMessage[] {
  return [
    ...messages,
    // Anthropic rejects an empty assistant turn.
    { role: 'assistant', content: badReply.trim() === '' ? '(empty reply)' : badReply },
    {
      role: 'user',
      content:
        `That reply cannot be used: ${describeIssues(issues, 10)}. ` +
        'Reply again with only the corrected JSON value that conforms to the schema: no prose, no code fences.',
    },
  ];
}
