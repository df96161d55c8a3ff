/**
 * cleanReply (prompt.ts) for a reply that arrives in pieces: the opening is held back until it is
 * clear whether it carries a speaker label ("Agent:") and an opening quote, and trailing whitespace
 * or a closing quote until more text follows, so what is passed on joins to the cleaned reply.
 *
 * @example
 * const cleaner = createStreamCleaner((piece) => process.stdout.write(piece));
 * cleaner.push('Agent: "Hi'); cleaner.push(' there"'); cleaner.end(); // → 'Hi there'
 */

export type StreamCleaner = { push(delta: string): void; /** Flushes what was held back; returns the whole text passed on. */ end(): string };

const LABEL = /^(?:agent|assistant)\s*:\s*/i;
const QUOTES: Record<string, string> = { '"': '"', '“': '”' };

export const createStreamCleaner = (emit: (delta: string) => void): StreamCleaner => {
  let head = '';
  let opened = false;
  let closing: string | undefined;
  let held = '';
  let passed = '';
  const pass = (text: string): void => {
    if (text === '') return;
    passed += text;
    emit(text);
  };
  const body = (text: string, final: boolean): void => {
    // Nothing passed yet: whitespace after a label or an opening quote is not part of the reply.
    const all = passed === '' ? (held + text).trimStart() : held + text;
    // Hold back trailing whitespace and a possible closing quote: only the end decides.
    const keep = final ? 0 : (/(\s*["”]?\s*)$/.exec(all)?.[1]?.length ?? 0);
    let out = all.slice(0, all.length - keep);
    held = all.slice(all.length - keep);
    if (final) {
      out = out.trimEnd();
      if (closing !== undefined && out.endsWith(closing)) out = out.slice(0, -closing.length).trimEnd();
    }
    pass(out);
  };
  const open = (final: boolean): void => {
    opened = true;
    let text = head.trimStart().replace(LABEL, '');
    const quote = QUOTES[text[0] ?? ''];
    if (quote !== undefined) {
      closing = quote;
      text = text.slice(1).trimStart();
    }
    body(text, final);
  };
  /** Whether more text could still turn the opening into a speaker label. */
  const undecided = (): boolean => {
    const start = head.trimStart();
    const word = start.toLowerCase();
    if (word === '' || 'agent'.startsWith(word) || 'assistant'.startsWith(word) || /^(?:agent|assistant)\s*$/i.test(start)) return true;
    return LABEL.test(start) && start.replace(LABEL, '') === '';
  };
  return {
    push(delta) {
      if (opened) return body(delta, false);
      head += delta;
      if (!undecided()) open(false);
    },
    end() {
      if (!opened) open(true);
      else body('', true);
      return passed;
    },
  };
};
