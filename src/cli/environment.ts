/**
 * Every environment variable Siphon reads, as `siphon --help` lists them
 * (the README lists the same). A test checks that each `SIPHON_*` name the
 * sources read is here.
 */
export const ENVIRONMENT_VARIABLES: readonly (readonly [name: string, meaning: string])[] = [
  ['SIPHON_CONFIG', 'the config file when --config is not given'],
  ['SIPHON_DATABASE', "database URL; wins over the config's database"],
  ['SIPHON_LOG_FORMAT', 'log lines on stderr: json or pretty (--log-format; default: pretty on a terminal, else json)'],
  ['SIPHON_LOG_LEVEL', 'least severe log line written: trace, debug, info, warn, error or silent (--log-level; default info)'],
  ['SIPHON_ADMIN_TOKEN', "the web admin's token (at least 16 characters); required to serve it beyond loopback"],
  ['REDIS_URL', 'distributed mode: the Redis the workers share (siphon worker, Run now from the admin)'],
  ['SIPHON_QUEUE_PREFIX', 'distributed mode: namespace of every Redis key (default siphon)'],
  ['SIPHON_LOCK_DURATION_MS', "distributed mode: a job's lock without renewal (default 30000)"],
  ['SIPHON_STALLED_INTERVAL_MS', 'distributed mode: how often workers look for stalled jobs (default 30000)'],
  ['SIPHON_MAX_STALLED_COUNT', 'distributed mode: recoveries of a job from dead workers before it fails (default 2)'],
  ['SIPHON_LEASE_MS', "distributed mode: a run's per-resource database lease (default: the lock duration)"],
  ['SIPHON_KEEP_JOBS', 'distributed mode: finished jobs kept in Redis (default 1000)'],
];

/** The help's closing section: the variables, and where `.env` is read from. */
export function environmentHelp(): string {
  const width = Math.max(...ENVIRONMENT_VARIABLES.map(([name]) => name.length));
  const lines = ENVIRONMENT_VARIABLES.map(([name, meaning]) => `  ${name.padEnd(width)}  ${meaning}`);
  return [
    '',
    'Environment:',
    ...lines,
    '',
    'A .env file beside the config file is read first; variables already set win. ${env:NAME} in the config reads any variable.',
  ].join('\n');
}
