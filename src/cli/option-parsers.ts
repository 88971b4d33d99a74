import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a positive integer; commander names the option and the bad value. */
export function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}
