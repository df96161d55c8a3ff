/**
 * A script for the scripted LLM server that plays a schema-faithful model with no knowledge of the
 * prompt: a structured request (OpenAI response_format, or Anthropic's forced tool) gets random
 * values that its JSON Schema allows and nothing more — what constrained decoding (vLLM guided
 * decoding, llama.cpp grammars, Ollama `format`, OpenAI strict mode) guarantees, and all it
 * guarantees. Free-text requests get a few random words. Values depend only on the request, so a
 * resumed run sees the same answers; faults (429, 500, a torn body, prose instead of JSON) are
 * drawn per request index, so a retry may succeed.
 *
 * @example
 * const server = await startScriptedServer(schemaConstrainedScript({ rateLimited: 0.05, serverError: 0.05, garbage: 0.05 }));
 */
import { canonicalJson } from '../../src/llm/cache.ts';
import { sampleSchema, seededRandom } from './schema-sample.ts';
import { requestedSchema } from './scripted-llm-server.ts';
import type { Script, ScriptedReply } from './scripted-llm-server.ts';

export type SchemaFaults = {
  /** Share of requests answered 429 with a short retry-after. */
  rateLimited: number;
  /** Share of requests answered 500. */
  serverError: number;
  /** Share of requests answered 200 with a torn JSON body. */
  garbage: number;
  /** Share of structured requests answered with prose instead of JSON (a server ignoring the schema). */
  prose: number;
};

export const noSchemaFaults: SchemaFaults = { rateLimited: 0, serverError: 0, garbage: 0, prose: 0 };

export const schemaConstrainedScript = (faults: Partial<SchemaFaults> = {}): Script => {
  const settings = { ...noSchemaFaults, ...faults };
  return (body, index) => {
    const fault = seededRandom(`fault-${index}`)();
    if (fault < settings.rateLimited) return { status: 429, headers: { 'retry-after-ms': '5' } };
    if (fault < settings.rateLimited + settings.serverError) return { status: 500 };
    if (fault < settings.rateLimited + settings.serverError + settings.garbage) return { raw: '{"id":"chatcmpl-torn","choices":[{"mess', status: 200 };
    const { stream: _stream, ...request } = body;
    const random = seededRandom(canonicalJson(request));
    const schema = requestedSchema(body);
    const reply = (text: string): ScriptedReply => ({ text });
    if (schema === undefined) return reply(sampleSchema({ type: 'string', minLength: 1 }, random) as string);
    if (fault < settings.rateLimited + settings.serverError + settings.garbage + settings.prose) return reply('Of course! Here is what you asked for.');
    return reply(JSON.stringify(sampleSchema(schema, random)));
  };
};
