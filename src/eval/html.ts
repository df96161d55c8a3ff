/**
 * Escaping for report.html. Everything shown there that a program did not write itself —
 * transcripts, personas, agent names, judge reasons — may hold markup, so it goes through
 * `escapeHtml` before it lands in the page, in text and in attribute values alike.
 *
 * @example
 * escapeHtml('<b>"hi" & bye</b>'); // '&lt;b&gt;&quot;hi&quot; &amp; bye&lt;/b&gt;'
 */
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => entities[char] ?? char);

/** A number for a table cell: fixed digits, an em dash when there is none. */
export const formatNumber = (value: number | undefined, digits = 3): string =>
  value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
