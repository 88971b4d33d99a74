import { type Command, Option } from 'commander';
import { SecretValues } from '../util/secret-values.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
/** `json`: one JSON object a line, for collectors; `pretty`: the timestamped text lines a person reads. */
export type LogFormat = (typeof LOG_FORMATS)[number];

export const LOG_FORMAT_ENV = 'SIPHON_LOG_FORMAT';
export const LOG_LEVEL_ENV = 'SIPHON_LOG_LEVEL';

export interface LogSettings {
  /**
   * @default 'pretty' when stderr is a terminal, else 'json'
   */
  readonly format: LogFormat;
  /** @default 'info' */
  readonly level: LogLevel;
}

/** The options every command takes, on the root program (commander reads them before or after the subcommand). */
export function addLogOptions(program: Command): Command {
  return program
    .addOption(
      new Option('--log-format <format>', 'log lines on stderr: json, or pretty (default: pretty on a terminal, else json)')
        .choices(LOG_FORMATS)
        .env(LOG_FORMAT_ENV),
    )
    .addOption(new Option('--log-level <level>', 'least severe log line written (default: info)').choices(LOG_LEVELS).env(LOG_LEVEL_ENV))
    .addOption(new Option('-q, --quiet', 'log warnings and errors only (--log-level warn)').conflicts('verbose'))
    .addOption(new Option('--verbose', 'log every page and request detail too (--log-level debug)'));
}

interface LogOptionValues {
  readonly logFormat?: LogFormat | undefined;
  readonly logLevel?: LogLevel | undefined;
  readonly quiet?: boolean | undefined;
  readonly verbose?: boolean | undefined;
}

let current: LogSettings | undefined;

/** Called before a command's action with the root program's options. */
export function configureLogs(options: LogOptionValues, stderr: { readonly isTTY?: boolean | undefined } = process.stderr): LogSettings {
  // An explicit --log-level wins over -q/--verbose, the shorthands of its common values.
  const level: LogLevel = options.logLevel ?? (options.quiet ? 'warn' : options.verbose ? 'debug' : 'info');
  current = { format: options.logFormat ?? (stderr.isTTY ? 'pretty' : 'json'), level };
  return current;
}

/** The settings the command line chose (the defaults when it chose none, as in a test calling a command directly). */
export function logSettings(): LogSettings {
  return current ?? configureLogs({ logFormat: envChoice(LOG_FORMATS, LOG_FORMAT_ENV), logLevel: envChoice(LOG_LEVELS, LOG_LEVEL_ENV) });
}

function envChoice<T extends string>(choices: readonly T[], name: string): T | undefined {
  const value = process.env[name];
  return choices.find((choice) => choice === value);
}

let secrets = new SecretValues();

/**
 * Values every log line masks, whatever field carries them: the config's
 * `${env:NAME}` values, registered when a command loads its config. The
 * sources mask them already; this is the second line of defence, for a field
 * someone forgets to redact.
 */
export function addLogSecrets(values: Iterable<string>): void {
  secrets = secrets.with(values);
}

export function logSecrets(): SecretValues {
  return secrets;
}
