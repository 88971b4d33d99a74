import { ConfigError } from '../errors/config-error.js';
import { describeValue } from '../util/describe-value.js';
import { closest } from '../util/did-you-mean.js';
import { jsonPath } from '../util/json-path.js';
import { type AutoConfig, type AutoOptions, auto } from './auto.js';
import type { CursorConfig } from './cursor.js';
import type { LinkHeaderConfig } from './link-header.js';
import type { NextUrlConfig } from './next-url.js';
import type { OffsetConfig } from './offset.js';
import type { PageNumberConfig } from './page-number.js';
import type { SingleConfig } from './single.js';
import { type Strategy, strategies } from './strategies.js';
import type { Paginator, PaginatorInit } from './types.js';

export type PaginatorConfig = PageNumberConfig | OffsetConfig | CursorConfig | NextUrlConfig | LinkHeaderConfig | SingleConfig | AutoConfig;

type Check = (value: unknown) => string | undefined;

const nonEmptyString: Check = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'a non-empty string');
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const positiveInteger: Check = (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? undefined : 'a positive integer');
const nonNegativeInteger: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : 'a non-negative integer');
const headerName: Check = (v) => (typeof v === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(v) ? undefined : 'an HTTP header name');
const path: Check = (v) => {
  if (typeof v !== 'string') return 'a JSON path string';
  try {
    jsonPath(v);
    return undefined;
  } catch (error) {
    // The parser's message already quotes the path and the position.
    return `a valid JSON path (${(error as Error).message})`;
  }
};

const stopOptions: Readonly<Record<string, Check>> = {
  stopOnEmpty: boolean,
  pageSize: positiveInteger,
  totalPath: path,
  totalPagesPath: path,
  hasMorePath: path,
  maxPages: positiveInteger,
};

/** What the registry checks of each strategy's options. */
interface OptionChecks {
  readonly options: Readonly<Record<string, Check>>;
  /** Options that exclude each other. */
  readonly exclusive?: readonly (readonly [string, string])[];
}

/** Every strategy a config can name: the concrete ones and `auto`, which detects one of them. */
const registered = {
  ...strategies,
  auto: { create: (options, init) => auto(options, init) } satisfies Strategy<AutoOptions>,
} as const;

const checks: Readonly<Record<PaginatorConfig['type'], OptionChecks>> = {
  pageNumber: { options: { pageParam: nonEmptyString, start: nonNegativeInteger, sizeParam: nonEmptyString, ...stopOptions } },
  offset: {
    options: { offsetParam: nonEmptyString, limitParam: nonEmptyString, limit: positiveInteger, start: nonNegativeInteger, ...stopOptions },
  },
  cursor: {
    options: { cursorPath: path, cursorHeader: headerName, cursorParam: nonEmptyString, cursorRequestHeader: headerName, ...stopOptions },
    exclusive: [
      ['cursorPath', 'cursorHeader'],
      ['cursorParam', 'cursorRequestHeader'],
    ],
  },
  nextUrl: { options: { nextPath: path, ...stopOptions } },
  linkHeader: { options: { rel: nonEmptyString, ...stopOptions } },
  single: { options: {} },
  auto: { options: { ...stopOptions } },
};

/** The config names of the strategies, in the order error messages list them. */
export const paginatorTypes: readonly string[] = Object.freeze(Object.keys(registered));

/**
 * A fresh paginator for one walk. `config` is a strategy name, a config
 * object (validated, errors pointing at `path.option`), an already built
 * paginator (passed through) or `undefined` for `auto`.
 */
export function createPaginator(
  config: PaginatorConfig | Paginator | string | undefined,
  init: PaginatorInit = {},
  path = 'paginator',
): Paginator {
  if (config === undefined || config === null) return auto({}, init);
  if (typeof config === 'string') return build({ type: config }, init, path);
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError(path, `expected a paginator type name or an object with a "type", got ${describeValue(config)}`);
  }
  if (isPaginator(config)) return config;
  return build(config as unknown as Record<string, unknown>, init, path);
}

function build(config: Record<string, unknown>, init: PaginatorInit, at: string): Paginator {
  const type = config.type;
  const strategy = typeof type === 'string' && Object.hasOwn(checks, type) ? checks[type as PaginatorConfig['type']] : undefined;
  if (!strategy) {
    const got = type === undefined ? 'missing paginator type' : `unknown paginator type ${describeValue(type)}`;
    throw new ConfigError(`${at}.type`, `${got}; expected one of ${paginatorTypes.join(', ')}`);
  }
  const valid = ['type', ...Object.keys(strategy.options)];
  for (const [key, value] of Object.entries(config)) {
    if (key === 'type' || value === undefined) continue;
    const check = strategy.options[key];
    if (!check) {
      // A typo one or two edits away from a real option gets named, short keys included.
      const suggestion = closest(key, valid, 2);
      throw new ConfigError(
        `${at}.${key}`,
        `unknown option "${key}" for the ${type as string} paginator` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : '') +
          `; valid options: ${valid.join(', ')}`,
      );
    }
    const expected = check(value);
    if (expected !== undefined) throw new ConfigError(`${at}.${key}`, `expected ${expected}, got ${describeValue(value)}`);
  }
  for (const [a, b] of strategy.exclusive ?? []) {
    if (config[a] !== undefined && config[b] !== undefined) {
      throw new ConfigError(`${at}.${b}`, `set either ${a} or ${b}, not both`);
    }
  }
  return (registered[type as PaginatorConfig['type']] as Strategy<PaginatorConfig>).create(config as unknown as PaginatorConfig, init, at);
}

function isPaginator(value: object): value is Paginator {
  return typeof (value as Paginator).start === 'function' && typeof (value as Paginator).next === 'function';
}
