import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTaskSpec } from '../src/task/load.ts';
import { taskSpecSchema } from '../src/task/spec.ts';
import { inspectCatalog } from '../src/tasks/catalog/load.ts';
import { catalogFileSchema } from '../src/tasks/catalog/schema.ts';
import { schemaFields } from './support/schema-fields.ts';

const docs = join(import.meta.dirname, '..', 'docs');

/** The first cell of every row of the "Fields" table, without its backticks, with the row's cells. */
const fieldRows = (markdown: string): { field: string; cells: string[] }[] => {
  const table = markdown.split('\n## Fields\n')[1] ?? '';
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
      return { field: (cells[0] ?? '').replace(/`/g, ''), cells };
    });
};

const yamlBlocks = (markdown: string): string[] => [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe.each([
  ['task-format.md', taskSpecSchema],
  ['catalog-format.md', catalogFileSchema],
] as const)('docs/%s against its zod schema', (page, schema) => {
  // Buckets take the same fields as values, and the page says so once.
  const fields = [...new Set(schemaFields(schema).map((field) => field.replace('.buckets.*.', '.values.*.')))];

  it('documents every field the schema accepts, and no field it does not', async () => {
    const rows = fieldRows(await readFile(join(docs, page), 'utf8'));
    expect(rows.map((row) => row.field).sort()).toEqual([...fields].sort());
  });

  it('gives every field a meaning and an example', async () => {
    for (const row of fieldRows(await readFile(join(docs, page), 'utf8'))) {
      expect(row.cells, row.field).toHaveLength(3);
      expect(row.cells.every((cell) => cell.length > 0), row.field).toBe(true);
    }
  });
});

describe('the examples in the docs load', () => {
  it('the complete task spec parses', async () => {
    const [spec] = yamlBlocks(await readFile(join(docs, 'task-format.md'), 'utf8'));
    expect(parseTaskSpec(spec ?? '', 'task-format.md').name).toBe('gift-shop');
  });

  it('the complete guessing catalog passes every check', async () => {
    const [catalog] = yamlBlocks(await readFile(join(docs, 'catalog-format.md'), 'utf8'));
    const inspection = await inspectCatalog(catalog ?? '', 'catalog-format.md');
    expect(inspection.problems).toEqual([]);
    expect(inspection.catalog?.items).toHaveLength(4);
  });
});
