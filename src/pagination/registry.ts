import * as z from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { describeValue } from '../util/describe-value.js';
import { didYouMean } from '../util/did-you-mean.js';
import { type OptionIssue, parseOptions } from '../util/option-issues.js';
import { type AutoConfig, type AutoOptions, auto, autoOptionsSchema } from './auto.js';
import type { CursorConfig } from './cursor.js';
import type { LinkHeaderConfig } from './link-header.js';
import type { NextUrlConfig } from './next-url.js';
import type { OffsetConfig } from './offset.js';
import type { PageNumberConfig } from './page-number.js';
import type { RelayConfig } from './relay.js';
import type { SingleConfig } from './single.js';
import { type Strategy, strategies } from './strategies.js';
import type { Paginator, PaginatorInit } from './types.js';

export type PaginatorConfig =
  | PageNumberConfig
  | OffsetConfig
  | CursorConfig
  | NextUrlConfig
  | LinkHeaderConfig
  | RelayConfig
  | SingleConfig
  | AutoConfig;

/** Every strategy a config can name: the concrete ones and `auto`, which detects one of them. */
const registered = {
  ...strategies,
  auto: { schema: autoOptionsSchema, create: (options, init) => auto(options, init) } satisfies Strategy<AutoOptions>,
} as const;

/** The config names of the strategies, in the order error messages list them. */
export const paginatorTypes: readonly string[] = Object.freeze(Object.keys(registered));

const isType = (type: unknown): type is PaginatorConfig['type'] => typeof type === 'string' && Object.hasOwn(registered, type);
const strategyOf = (config: PaginatorConfig): Strategy<PaginatorConfig> => registered[config.type] as Strategy<PaginatorConfig>;

function unknownType(type: unknown): string {
  const hint = typeof type === 'string' ? didYouMean(type, paginatorTypes) : '';
  return `unknown paginator type ${describeValue(type)}${hint}; expected one of ${paginatorTypes.join(', ')}`;
}

/** A paginator config that passed its strategy's schema, or what is wrong with it. */
export type CheckedPaginatorConfig =
  | { readonly config: PaginatorConfig; readonly issues?: undefined }
  | { readonly config?: undefined; readonly issues: OptionIssue[] };

/**
 * Checks a paginator config as written: a strategy name, or `{ type, …options }`
 * checked by that strategy's own schema. Issue paths are relative to the
 * config; a name that is no strategy is a problem of the value itself.
 */
export function checkPaginatorConfig(value: unknown): CheckedPaginatorConfig {
  if (typeof value === 'string') {
    return isType(value) ? { config: { type: value } as PaginatorConfig } : { issues: [{ path: [], message: unknownType(value) }] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { issues: [{ path: [], message: `expected a paginator type name or an object with a "type", got ${describeValue(value)}` }] };
  }
  const type = (value as { type?: unknown }).type;
  if (type === undefined)
    return { issues: [{ path: ['type'], message: `missing paginator type; expected one of ${paginatorTypes.join(', ')}` }] };
  if (!isType(type)) return { issues: [{ path: ['type'], message: unknownType(type) }] };
  const parsed = parseOptions(registered[type].schema as z.ZodType<PaginatorConfig>, value);
  return parsed.issues === undefined ? { config: parsed.data } : { issues: parsed.issues };
}

/** What a checked config needs of the base request (an offset's limit), or `undefined` when it has it. */
export function paginatorInitIssue(config: PaginatorConfig, init: PaginatorInit): OptionIssue | undefined {
  return strategyOf(config).checkInit?.(config, init);
}

/** The `paginator` of a config file: a strategy name or `{ type, …options }`, checked by the strategy's own schema. */
export const paginatorConfigSchema = z.custom<PaginatorConfig | PaginatorConfig['type']>().superRefine((value, ctx) => {
  for (const issue of checkPaginatorConfig(value).issues ?? [])
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
});

/**
 * A fresh paginator for one walk. `config` is a strategy name, a config
 * object (checked by its strategy's schema, errors pointing at `path.option`),
 * an already built paginator (passed through) or `undefined` for `auto`.
 */
export function createPaginator(
  config: PaginatorConfig | Paginator | string | undefined,
  init: PaginatorInit = {},
  path = 'paginator',
): Paginator {
  if (config === undefined || config === null) return auto({}, init);
  if (typeof config === 'object' && isPaginator(config)) return config;
  const checked = checkPaginatorConfig(typeof config === 'string' ? { type: config } : config);
  if (checked.issues !== undefined) throw ConfigError.fromIssue(path, checked.issues[0] as OptionIssue);
  const issue = paginatorInitIssue(checked.config, init);
  if (issue !== undefined) throw ConfigError.fromIssue(path, issue);
  return strategyOf(checked.config).create(checked.config, init, path);
}

function isPaginator(value: object): value is Paginator {
  return typeof (value as Paginator).start === 'function' && typeof (value as Paginator).next === 'function';
}
