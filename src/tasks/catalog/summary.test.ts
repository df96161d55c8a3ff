import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countriesCatalogFile } from '../countries/index.ts';
import { loadCatalogFile } from './load.ts';
import { identicalGroups, summariseCatalog } from './summary.ts';

const objects = fileURLToPath(new URL('./fixtures/objects.yaml', import.meta.url));

describe('what check tells about a catalog that loads', () => {
  it('countries: the items no questions tell apart, and every question with an answer', async () => {
    const catalog = await loadCatalogFile(countriesCatalogFile);
    const groups = identicalGroups(catalog);
    // Algeria, Egypt and Libya share region, subregion, language, currency, coast, size and hemisphere.
    expect(groups.map((group) => group.map((item) => item.name))).toContainEqual(['Algeria', 'Egypt', 'Libya']);
    const lines = summariseCatalog(catalog);
    expect(lines[0]).toBe('guessing catalog "countries": 194 items, 7 attributes');
    expect(lines[2]).toMatch(/^\d+ items in \d+ groups answer every question alike/);
    expect(lines).toContain('  "Is it in South America?" (subregion = South America) → Argentina: "Yes, the Americas. Yes, South America."');
    expect(lines).toContain('  "Do they pay with the West African CFA franc?" (currencies = XOF) → Benin: "Yes, the West African CFA franc."');
  });

  it('two items with the same answers to everything form a group', async () => {
    const catalog = await loadCatalogFile(objects);
    expect(identicalGroups(catalog)).toEqual([]);
    const twin = { ...catalog, items: [...catalog.items, { ...(catalog.items[3] as (typeof catalog.items)[number]), id: 'spare-key', name: 'spare key', names: ['spare key'] }] };
    expect(identicalGroups(twin).map((group) => group.map((item) => item.name))).toEqual([['key', 'spare key']]);
  });
});
