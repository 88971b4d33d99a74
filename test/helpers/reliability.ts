/**
 * The reliability suites' scale: short in `npm test` (CI), full under
 * `npm run test:reliability` (or SIPHON_RELIABILITY=full), at the sizes the
 * figures in docs/reliability.md were taken with. SIPHON_RELIABILITY_ROUNDS
 * and SIPHON_RELIABILITY_RECORDS override either.
 */
const full = process.env.SIPHON_RELIABILITY === 'full' || process.env.npm_lifecycle_event === 'test:reliability';

function count(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export const RELIABILITY = {
  full,
  /** Syncs per case. */
  rounds: count('SIPHON_RELIABILITY_ROUNDS', full ? 20 : 1),
  /** Records per sync. */
  records: count('SIPHON_RELIABILITY_RECORDS', full ? 10_000 : 600),
  timeoutMs: full ? 3_600_000 : 60_000,
} as const;
