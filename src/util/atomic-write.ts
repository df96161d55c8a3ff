/**
 * Replace a file so that readers see either the old content or the new, never half of each,
 * even if the process is killed mid-write: write a temp file beside the target, fsync it, then
 * rename it over the target (rename is atomic within one file system, hence "beside").
 *
 * @example
 * await writeFileAtomic('runs/42/summary.json', JSON.stringify(summary, null, 2));
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Atomically replace (or create) `file` with `data`, creating parent folders as needed. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const folder = dirname(file);
  await mkdir(folder, { recursive: true });
  // Dot-prefixed so globbing tools skip it; pid + random so concurrent writers never share one.
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(folder);
}

// Makes the rename itself durable across a power loss. Some platforms (Windows) cannot open a
// folder for syncing; the data is already safe there once rename returns, so failures are ignored.
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // best effort, see above
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
