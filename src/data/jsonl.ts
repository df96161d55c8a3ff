/**
 * JSON Lines files that survive crashes and point at the exact bad line.
 * Appends write whole lines in one call, so a killed writer leaves at most one torn final line,
 * which `repairJsonl` trims off and `readJsonl({ allowTornLastLine: true })` skips.
 *
 * @example
 * await appendJsonl('data/episodes.jsonl', [episode]);
 * await repairJsonl('data/episodes.jsonl'); // after a crash, before appending again
 * const episodes = await readJsonl('data/episodes.jsonl', EpisodeSchema);
 */
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { ReverieError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

/** A problem in a JSONL file. `line` is 1-based; 0 means the problem is not tied to one line. */
export class JsonlError extends ReverieError {
  override readonly name = 'JsonlError';
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, problem: string, options: { hint?: string; cause?: unknown } = {}) {
    super(line > 0 ? `${file}:${line}: ${problem}` : `${file}: ${problem}`, options);
    this.file = file;
    this.line = line;
  }
}

const MAX_ISSUES_SHOWN = 3;

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const shown = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    const path = issue.path.map((part) => String(part)).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

/**
 * Read every row of `file`, validated by `schema`. Blank lines are skipped. A final line without
 * a newline that is not valid JSON is what a killed writer leaves: it is skipped only when
 * `allowTornLastLine` is true, and is an error otherwise.
 */
export async function readJsonl<T>(
  file: string,
  schema: z.ZodType<T>,
  options: { allowTornLastLine?: boolean } = {},
): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new JsonlError(file, 0, 'file not found', { hint: 'Check the path, or create the file first.', cause: error });
    }
    throw error;
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);

  const lines = text.split('\n');
  const rows: T[] = [];
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const lineNumber = index + 1;
    const unterminated = index === lines.length - 1;

    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (unterminated && options.allowTornLastLine === true) break;
      const why = error instanceof Error ? error.message : String(error);
      throw new JsonlError(file, lineNumber, `invalid JSON: ${why}`, {
        hint: unterminated
          ? 'The last line has no newline, so a writer was probably killed mid-write: run repairJsonl on the file, or read it with allowTornLastLine.'
          : 'Fix or delete this line; every line must be one complete JSON value.',
        cause: error,
      });
    }

    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new JsonlError(file, lineNumber, describeIssues(parsed.error.issues), {
        hint: 'The row does not match the expected shape: fix the row, or check that the file was written by a compatible version.',
      });
    }
    rows.push(parsed.data);
  }
  return rows;
}

function serializeRows(file: string, rows: readonly unknown[]): string {
  let out = '';
  rows.forEach((row, index) => {
    let json: string | undefined;
    try {
      json = JSON.stringify(row);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new JsonlError(file, 0, `row ${index} cannot be written as JSON: ${why}`, {
        hint: 'Remove cycles and BigInt values from the row.',
        cause: error,
      });
    }
    // JSON.stringify returns undefined for undefined, functions and symbols; writing nothing would shift lines.
    if (json === undefined) {
      throw new JsonlError(file, 0, `row ${index} cannot be written as JSON: it is ${typeof row}`, {
        hint: 'Pass plain data: objects, arrays, strings, numbers, booleans or null.',
      });
    }
    out += json + '\n';
  });
  return out;
}

/**
 * Append `rows` as whole lines in a single `appendFile` call; the file exists afterwards even
 * when `rows` is empty. Does not repair a torn tail left by
 * an earlier crash (that would cost a read per append): call `repairJsonl` once when resuming.
 */
export async function appendJsonl(file: string, rows: readonly unknown[]): Promise<void> {
  const text = serializeRows(file, rows);
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, text, 'utf8');
}

/** Replace `file` with `rows`, atomically (see `writeFileAtomic`). */
export async function writeJsonlAtomic(file: string, rows: readonly unknown[]): Promise<void> {
  await writeFileAtomic(file, serializeRows(file, rows));
}

const NEWLINE = 0x0a;
const isBlankByte = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0d;

/**
 * Cut a torn final line (bytes after the last newline) off `file`. Returns how many non-blank
 * complete lines remain and how many bytes were dropped. A missing file is left missing.
 */
export async function repairJsonl(file: string): Promise<{ kept: number; droppedTornBytes: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kept: 0, droppedTornBytes: 0 };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    // Scanned in chunks with bytes, not decoded text, so huge files fit in memory and offsets are exact.
    const buffer = Buffer.alloc(1 << 16);
    let position = 0;
    let endOfLastLine = 0;
    let kept = 0;
    let lineHasContent = false;
    while (position < size) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        const byte = buffer[i] as number;
        if (byte === NEWLINE) {
          if (lineHasContent) kept++;
          lineHasContent = false;
          endOfLastLine = position + i + 1;
        } else if (!isBlankByte(byte)) {
          lineHasContent = true;
        }
      }
      position += bytesRead;
    }
    const droppedTornBytes = position - endOfLastLine;
    if (droppedTornBytes > 0) {
      await handle.truncate(endOfLastLine);
      await handle.sync();
    }
    return { kept, droppedTornBytes };
  } finally {
    await handle.close();
  }
}
