/**
 * Errors in a catalog file, always with the file and, where the YAML has one, the line and
 * column: the same `file:line:col: message` as task specs.
 *
 * @example
 * throw new CatalogError('countries.yaml', { line: 12, col: 5 }, 'attributes.area: a numeric attribute needs buckets');
 */
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { ReverieError } from '../../errors.ts';

export type Position = { line: number; col: number };

export const catalogFormatHint = 'Fix the catalog file; docs/catalog-format.md describes every field.';

export class CatalogError extends ReverieError {
  override readonly name: string = 'CatalogError';
  readonly file: string;
  readonly line: number | undefined;
  readonly position: Position | undefined;
  /** The message without the file and position, as `reverie check` prints it. */
  readonly problem: string;

  constructor(file: string, position: Position | undefined, message: string, hint = catalogFormatHint) {
    const where = position === undefined ? file : `${file}:${position.line}:${position.col}`;
    super(`${where}: ${message}`, { hint });
    this.file = file;
    this.line = position?.line;
    this.position = position;
    this.problem = message;
  }
}

export type Path = readonly (string | number)[];

/** A parsed YAML document that can say where any path in it is written. */
export type LocatedYaml = {
  file: string;
  value: unknown;
  /** The deepest node on the path that exists: for a missing key, its parent mapping. */
  positionOf(path: Path): Position | undefined;
  fail(path: Path, message: string, hint?: string): never;
};

export const parseLocatedYaml = (text: string, file: string): LocatedYaml => {
  const lineCounter = new LineCounter();
  const document: Document = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = document.errors[0];
  if (syntaxError !== undefined) {
    throw new CatalogError(file, lineCounter.linePos(syntaxError.pos[0]), syntaxError.message.split('\n')[0] ?? 'invalid YAML');
  }
  // Walks the path through the YAML nodes; a path that ends at a mapping key points at the key
  // (the line that reads `area:`), a missing key at the mapping that lacks it.
  const positionOf = (path: Path): Position | undefined => {
    let node: unknown = document.contents;
    let at: unknown = node;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((each) => (isScalar(each.key) ? String(each.key.value) : String(each.key)) === String(key));
        if (pair === undefined) break;
        at = pair.key;
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(key)];
        if (node === undefined) break;
        at = node;
      } else break;
    }
    return isNode(at) && at.range !== undefined && at.range !== null ? lineCounter.linePos(at.range[0]) : undefined;
  };
  return {
    file,
    value: document.toJS(),
    positionOf,
    fail: (path, message, hint) => {
      throw new CatalogError(file, positionOf(path), path.length > 0 ? `${path.join('.')}: ${message}` : message, hint);
    },
  };
};
