/**
 * Parsers for command-line values, so a bad flag fails with the flag's name and the value.
 *
 * @example
 * program.option('-n, --dialogues <n>', 'how many', positiveInteger('--dialogues'), 2000)
 */
import { InvalidArgumentError } from 'commander';

export const positiveInteger = (flag: string) => (value: string): number => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got "${value}"`);
  return parsed;
};

export const integer = (flag: string) => (value: string): number => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`${flag} must be an integer, got "${value}"`);
  return parsed;
};

export const nonNegativeNumber = (flag: string) => (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError(`${flag} must be a number ≥ 0, got "${value}"`);
  return parsed;
};

export const numberList = (flag: string) => (value: string): number[] => value.split(',').map((part) => nonNegativeNumber(flag)(part.trim()));

/** Collects a repeatable flag's values. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** One of the listed words, or a commander error naming them. */
export const choice =
  <T extends string>(flag: string, allowed: readonly T[]) =>
  (value: string): T => {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  };
