// Copies the files the built modules read at run time (task specs and catalogs, YAML) from src/
// to dist/, beside the modules that load them with `new URL('./task.yaml', import.meta.url)`.
// Test fixtures stay behind.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const source = join(root, 'src');
const target = join(root, 'dist');

const copy = (folder) => {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'fixtures') copy(path);
    } else if (/\.ya?ml$/.test(name)) {
      cpSync(path, join(target, relative(source, path)));
    }
  }
};
copy(source);
