import { pino } from 'pino';
import type { SecretValues } from '../util/secret-values.js';
import { type LogFormat, type LogLevel, logSecrets, logSettings } from './log-settings.js';

/** Fields of a log line beside `level`, `time` and `msg`: `resource`, `runId`, `attempt`, `worker`, the event's own. */
export type LogFields = Readonly<Record<string, unknown>>;

type Write = (msg: string, fields?: LogFields) => void;

/** A command's log: messages first (as the readable lines read), fields for the JSON lines. */
export interface CliLog {
  readonly trace: Write;
  readonly debug: Write;
  readonly info: Write;
  readonly warn: Write;
  readonly error: Write;
  /** Whether a line at `level` is written. */
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
  /** A log whose every line carries `bindings` (e.g. `{ worker }`). */
  child(bindings: LogFields): CliLog;
  readonly settings: { readonly format: LogFormat; readonly level: LogLevel };
}

export interface CliLogOptions {
  /** @default logSettings().format */
  readonly format?: LogFormat | undefined;
  /** @default logSettings().level */
  readonly level?: LogLevel | undefined;
  /** Where lines go; stdout stays for data. @default process.stderr */
  readonly out?: { write(text: string): unknown } | undefined;
  /** Masked in every string of every line. @default logSecrets(), the config's `${env:NAME}` values */
  readonly secrets?: (() => SecretValues) | undefined;
}

/**
 * A pino logger writing to stderr: JSON lines, or the readable
 * `<ISO time> <message>` lines through a small formatter on a stream this
 * module owns (a pino transport would start a worker thread per process, and
 * a command's start-up would pay for it).
 */
export function createCliLog(options: CliLogOptions = {}): CliLog {
  const settings = { format: options.format ?? logSettings().format, level: options.level ?? logSettings().level };
  const out = options.out ?? process.stderr;
  const secrets = options.secrets ?? logSecrets;
  const destination = settings.format === 'json' ? { write: (line: string) => void out.write(line) } : prettyDestination(out);
  const root = pino(
    {
      level: settings.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return wrap(root, secrets, settings);
}

function wrap(logger: pino.Logger, secrets: () => SecretValues, settings: CliLog['settings']): CliLog {
  const at =
    (level: Exclude<LogLevel, 'silent'>): Write =>
    (msg, fields) => {
      if (!logger.isLevelEnabled(level)) return;
      const mask = secrets();
      logger[level](fields === undefined ? {} : (maskValue(fields, mask) as object), mask.mask(msg));
    };
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    isLevelEnabled: (level) => logger.isLevelEnabled(level),
    child: (bindings) => wrap(logger.child(maskValue(bindings, secrets()) as pino.Bindings), secrets, settings),
    settings,
  };
}

/** Every string in `value` masked; errors become their message, dates their ISO text, undefined fields are left out. */
export function maskValue(value: unknown, secrets: SecretValues, depth = 0): unknown {
  if (typeof value === 'string') return secrets.mask(value);
  if (value instanceof Error) return secrets.mask(value.message);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  // Events are shallow; a deep structure (a checkpoint) is cut rather than walked without end.
  if (depth > 4) return '…';
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = maskValue(item, secrets, depth + 1);
  }
  return out;
}

/** The readable lines: what the text log always printed, `<ISO time> <message>`. */
function prettyDestination(out: { write(text: string): unknown }): { write(line: string): void } {
  return {
    write: (line) => {
      const entry = JSON.parse(line) as { time?: string; msg?: string };
      out.write(`${entry.time ?? new Date().toISOString()} ${entry.msg ?? ''}\n`);
    },
  };
}
