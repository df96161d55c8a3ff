/**
 * Tells a catalog file from a plain task spec: a catalog has a top-level `family:` key. Read
 * synchronously because the registry answers "has a simulator?" without waiting.
 *
 * @example
 * isCatalogFile('my-catalog.yaml') // → true when the file starts a mapping with family: …
 */
import { readFileSync } from 'node:fs';
import { parseDocument, isMap, isScalar } from 'yaml';

/** False for files that cannot be read or parsed: the spec loader reports those with their line. */
export const isCatalogFile = (file: string): boolean => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const document = parseDocument(text);
  return isMap(document.contents) && document.contents.items.some((pair) => isScalar(pair.key) && pair.key.value === 'family');
};
