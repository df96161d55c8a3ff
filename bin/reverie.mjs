#!/usr/bin/env node
// Runs the built JavaScript in dist/, which `npm run build` makes (`npm ci` and `npm pack` run it
// through the `prepare` script). During development, `npm run dev -- <command>` runs the sources.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('reverie: dist/ is missing, so there is nothing to run\nhint: run npm run build (npm ci runs it for you)\n');
  process.exit(1);
}
await import(main.href);
