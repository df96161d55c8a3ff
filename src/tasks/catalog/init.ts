/**
 * `reverie init`'s work: a commented starting catalog that `reverie check` passes and
 * `reverie demo --task FILE` runs, written next to the user as NAME.yaml. It never overwrites.
 *
 * @example
 * const file = await writeStarterCatalog({ family: 'guessing', name: 'animals', dir: '.' });
 * // → './animals.yaml'
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ReverieError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { starterGuessing, starterRecommendation } from './starters.ts';

export type Family = 'guessing' | 'recommendation';

export class InitError extends ReverieError {
  override readonly name = 'InitError';
}

const taskName = /^[a-z][a-z0-9-]*$/;

export const starterCatalog = (family: Family, name: string): string => (family === 'guessing' ? starterGuessing(name) : starterRecommendation(name));

export const writeStarterCatalog = async (options: { family: Family; name: string; dir: string }): Promise<string> => {
  const { family, name, dir } = options;
  if (!taskName.test(name)) throw new InitError(`"${name}" cannot name a task`, { hint: 'Use lowercase letters, digits and dashes, starting with a letter: reverie init my-task' });
  const file = join(dir, `${name}.yaml`);
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists) throw new InitError(`${file} already exists; init never overwrites a file`, { hint: `Choose another name (reverie init ${name}-2), or check the file you have with reverie check ${file}.` });
  await writeFileAtomic(file, starterCatalog(family, name));
  return file;
};
