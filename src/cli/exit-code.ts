import { CommanderError } from 'commander';
import { ConfigError } from '../errors/config-error.js';

/**
 * What `siphon` exits with, the way scripts and schedulers read it:
 * 0 success, 1 a run (or a check) failed, 2 a usage or config error (fix the
 * command or the file, retrying will not help), 130 interrupted by a signal
 * (128 + SIGINT, as shells report it).
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error instanceof ConfigError) return ExitCode.usage;
  return ExitCode.failed;
}
