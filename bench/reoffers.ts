/**
 * How often an agent offers again a kind of activity the traveller already turned down, read from
 * the test episodes of a travel demo's run folder. An option question ("Would you prefer hiking,
 * the beach or food?") that a reply turns down ("Hmm, not really my thing.") rules its kinds out;
 * a later option question that names one of them again wastes a turn of a traveller's patience.
 *
 * @example
 * node --import tsx bench/reoffers.ts runs/demo ilql mc fbc behaviour
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdownTable } from '../src/eval/markdown.ts';
import { loadTravelCatalog } from '../src/tasks/travel/index.ts';

type Episode = { turns: { role: 'user' | 'agent'; text: string }[]; judgement: { success: boolean } };

const [dir, ...agents] = process.argv.slice(2);
if (dir === undefined || agents.length === 0) throw new Error('usage: bench/reoffers.ts RUN_DIR AGENT [AGENT ...]');
const catalog = await loadTravelCatalog();
const kinds = catalog.attributes.find((attribute) => attribute.name === 'kind')?.values.map((value) => value.words[0]?.toLowerCase() ?? value.name) ?? [];
// The built-in traveller's ways of turning options down (catalog phrasing and user simulator).
const turnedDown = /^(not really|hmm|none of those|that's not really)/i;

const rows = await Promise.all(
  agents.map(async (agent) => {
    const episodes = (await readFile(join(dir, 'episodes', `${agent}.jsonl`), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Episode);
    let questions = 0;
    let again = 0;
    let failures = 0;
    let failuresWithOne = 0;
    for (const { turns, judgement } of episodes) {
      const ruledOut = new Set<string>();
      let any = false;
      turns.forEach((turn, at) => {
        if (turn.role !== 'agent' || !turn.text.includes('?')) return;
        const named = kinds.filter((kind) => turn.text.toLowerCase().includes(kind));
        if (named.length === 0) return;
        questions += 1;
        if (named.some((kind) => ruledOut.has(kind))) {
          again += 1;
          any = true;
        }
        if (turnedDown.test(turns[at + 1]?.text ?? '')) for (const kind of named) ruledOut.add(kind);
      });
      if (!judgement.success) {
        failures += 1;
        if (any) failuresWithOne += 1;
      }
    }
    return [agent, String(questions), (again / Math.max(1, questions)).toFixed(3), `${failuresWithOne} / ${failures}`];
  }),
);
process.stdout.write(`${markdownTable(['agent', 'option questions', 'share offering a turned-down kind again', 'failed episodes with such an offer'], rows)}\n`);
