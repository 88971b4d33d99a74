import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ConfigValidationError, loadConfig, parseConfig as parseConfigWith, type ResolvedResource } from 'siphon-sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snakeCase as toSnakeCase } from '../src/util/snake-case.js';

/** Never reads process.env: a SIPHON_DATABASE set where the tests run must not change them. */
const parseConfig: typeof parseConfigWith = (input, options = {}) => parseConfigWith(input, { env: {}, ...options });

const BRIEF_YAML = `
database: sqlite:./siphon.db            # or postgres://user@127.0.0.1:5432/db; SIPHON_DATABASE overrides
sources:
  coingecko:
    baseUrl: http://127.0.0.1:9000/api/v3
    auth: { type: apiKey, in: header, name: x-cg-demo-api-key, value: "\${env:CG_KEY}" }
    rateLimit: { requests: 30, per: 60s }
    rateLimitedWhen: { path: status.error_code, equals: 429 }
    retry: { retries: 5, backoff: exponential, base: 1s, max: 600s }
    resources:
      coins:
        path: /coins/markets
        params: { vs_currency: usd, order: market_cap_desc, per_page: 50, sparkline: false }
        paginator: { type: pageNumber, pageParam: page, start: 1 }
        concurrency: 4
        records: $
        primaryKey: id
        table: full_coin
        write: replace
        schedule: "*/3 * * * *"
        columns:
          id: { name: coin_id, type: text }
          current_price: decimal(20,2)
          market_cap: bigint
          ath_date: timestamp
  shop:
    baseUrl: http://127.0.0.1:9000
    resources:
      posts: { path: /posts, paginator: { type: offset, offsetParam: _start, limitParam: _limit, limit: 20 }, primaryKey: id }
      comments: { path: "/posts/{posts.id}/comments", primaryKey: id }   # one walk per parent row
reports:
  engagement: { sql: "SELECT … FROM …" }
`;

const SECRET = 'cg-secret-value-8f2a';
let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'siphon-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh directory holding `files`. */
async function project(files: Record<string, string>): Promise<string> {
  counter += 1;
  const at = join(dir, `p${counter}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(at));
  for (const [name, text] of Object.entries(files)) await writeFile(join(at, name), text);
  return at;
}

/** A small valid config to break one piece at a time. */
// biome-ignore lint/suspicious/noExplicitAny: tests reach into this object to break one piece at a time
function base(): Record<string, any> {
  return {
    sources: {
      api: {
        baseUrl: 'https://api.example.com/v1',
        resources: {
          items: { path: '/items', primaryKey: 'id', columns: { id: 'bigint', name: 'text' } },
        },
      },
    },
  };
}

function failure(run: () => unknown): ConfigValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('');
    return error as ConfigValidationError;
  }
  throw new Error('expected the config to be rejected');
}

async function asyncFailure(run: () => Promise<unknown>): Promise<ConfigError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

/** Asserts the config fails with `path: …fragment…` on one line of the message (and among `issues`). */
function expectProblem(input: unknown, path: string, fragment: string, env: Record<string, string> = {}): ConfigValidationError {
  const error = failure(() => parseConfig(input, { env, cwd: dir }));
  const line = error.message.split('\n').find((l) => l.trim().startsWith(`${path}: `) && l.includes(fragment));
  expect(line, `no line "${path}: …${fragment}…" in:\n${error.message}`).toBeDefined();
  expect(error.issues.some((issue) => issue.path === path && issue.message.includes(fragment))).toBe(true);
  return error;
}

const R = 'sources.api.resources.items';

describe('loading the example config', () => {
  let config: Awaited<ReturnType<typeof loadConfig>>;
  let cwd: string;
  const find = (id: string): ResolvedResource => config.resources.find((r) => r.id === id) as ResolvedResource;

  beforeAll(async () => {
    cwd = await project({ 'siphon.yaml': BRIEF_YAML });
    config = await loadConfig({ cwd, env: { CG_KEY: SECRET } });
  });

  it('resolves the database against the config directory and keeps the file', () => {
    expect(config.database).toBe(`sqlite:${join(cwd, 'siphon.db')}`);
    expect(config.file).toBe(join(cwd, 'siphon.yaml'));
    expect(config.timezone).toBe('UTC');
    expect(config.reports.engagement?.sql).toBe('SELECT … FROM …');
  });

  it('resolves the source with its auth (env substituted), limits and retry', () => {
    const source = config.sources.coingecko;
    expect(source?.auth).toEqual({ type: 'apiKey', in: 'header', name: 'x-cg-demo-api-key', value: SECRET });
    expect(source?.rateLimit).toEqual({ requests: 30, per: '60s' });
    expect(source?.rateLimitedWhen).toEqual({ path: 'status.error_code', equals: 429 });
    expect(source?.retry).toEqual({ retries: 5, base: '1s', max: '600s' });
    expect(source?.crossOrigin).toBe('strip');
  });

  it('resolves coins: url, params, paginator, columns with renames and types, table, write', () => {
    const coins = find('coingecko.coins');
    expect(coins.url).toBe('http://127.0.0.1:9000/api/v3/coins/markets');
    expect(coins.params).toEqual({ vs_currency: 'usd', order: 'market_cap_desc', per_page: 50, sparkline: false });
    expect(coins.paginator).toEqual({ type: 'pageNumber', pageParam: 'page', start: 1 });
    expect(coins.concurrency).toBe(4);
    expect(coins.records).toBe('$');
    expect(coins.write).toBe('replace');
    expect(coins.schedule).toBe('*/3 * * * *');
    expect(coins.timezone).toBe('UTC');
    expect(coins.batchSize).toBe(1000);
    expect(coins.undeclared).toBe('infer');
    expect(coins.primaryKeyFields).toEqual(['id']);
    expect(coins.columns).toEqual([
      { field: 'id', name: 'coin_id', type: { kind: 'text' } },
      { field: 'current_price', name: 'current_price', type: { kind: 'decimal', precision: 20, scale: 2 } },
      { field: 'market_cap', name: 'market_cap', type: { kind: 'bigint' } },
      { field: 'ath_date', name: 'ath_date', type: { kind: 'timestamp' } },
    ]);
    expect(coins.table.name).toBe('full_coin');
    expect(coins.table.primaryKey).toEqual(['coin_id']);
    expect(coins.table.columns.map((c) => c.name)).toEqual(['coin_id', 'current_price', 'market_cap', 'ath_date']);
    expect(coins.parent).toBeUndefined();
  });

  it('applies defaults: merge with a key, auto paginator, a key column typed from the data, table = resource name', () => {
    const posts = find('shop.posts');
    expect(posts.write).toBe('merge');
    expect(posts.concurrency).toBe(2);
    expect(posts.expectTotal).toBe(true);
    expect(posts.columns).toEqual([{ field: 'id', name: 'id', type: undefined }]);
    expect(posts.table).toEqual({ name: 'posts', columns: [], primaryKey: ['id'] });
    expect(find('shop.comments').paginator).toEqual({ type: 'auto' });
  });

  it('links comments to posts and records the parent in posts_id', () => {
    const comments = find('shop.comments');
    expect(comments.url).toBe('http://127.0.0.1:9000/posts/{posts.id}/comments');
    expect(comments.parent).toEqual({
      resource: 'shop.posts',
      links: [{ placeholder: '{posts.id}', parentField: 'id', parentColumn: 'id', column: 'posts_id' }],
    });
    expect(comments.columns).toEqual([
      { field: 'id', name: 'id', type: undefined },
      { field: '{posts.id}', name: 'posts_id', type: undefined },
    ]);
    expect(comments.table.columns).toEqual([]);
    expect(comments.table.primaryKey).toEqual(['id']);
  });

  it('orders resources in file order, parents first', () => {
    expect(config.resources.map((r) => r.id)).toEqual(['coingecko.coins', 'shop.posts', 'shop.comments']);
  });
});

describe('resolution', () => {
  it('puts parents before children declared earlier, and gives the link the parent column type', () => {
    const config = parseConfig({
      sources: {
        shop: {
          baseUrl: 'http://127.0.0.1:9000/',
          resources: {
            replies: { path: '/comments/{comments.id}/replies' },
            comments: { path: '/posts/{posts.postId}/comments', primaryKey: 'id', columns: { id: 'bigint' } },
            posts: { path: '/posts', primaryKey: 'postId', columns: { postId: { name: 'post_key', type: 'integer' } } },
          },
        },
      },
    });
    expect(config.resources.map((r) => r.name)).toEqual(['posts', 'comments', 'replies']);
    const comments = config.resources[1] as ResolvedResource;
    expect(comments.url).toBe('http://127.0.0.1:9000/posts/{posts.postId}/comments');
    expect(comments.parent?.links).toEqual([
      { placeholder: '{posts.postId}', parentField: 'postId', parentColumn: 'post_key', column: 'posts_post_id' },
    ]);
    expect(comments.columns.at(-1)).toEqual({ field: '{posts.postId}', name: 'posts_post_id', type: { kind: 'integer' } });
    expect(config.resources[2]?.columns).toEqual([{ field: '{comments.id}', name: 'comments_id', type: { kind: 'bigint' } }]);
    expect(config.resources[2]?.write).toBe('append');
  });

  it('inherits source options (resource wins, params and headers merged) and time zones', () => {
    const config = parseConfig({
      timezone: 'Europe/Paris',
      sources: {
        api: {
          baseUrl: 'https://api.example.com',
          params: { per_page: 100, lang: 'en' },
          headers: { accept: 'application/json' },
          paginator: 'linkHeader',
          records: 'data',
          concurrency: 3,
          maxPages: 10,
          timezone: 'America/New_York',
          resources: {
            a: { path: '/a', params: { lang: 'fr' }, headers: { 'x-extra': '1' } },
            b: {
              path: '/b',
              paginator: { type: 'cursor', cursorPath: 'next' },
              concurrency: 1,
              timezone: 'Asia/Tokyo',
              schedule: '0 6 * * 1-5',
            },
          },
        },
      },
    });
    const [a, b] = config.resources as [ResolvedResource, ResolvedResource];
    expect(a.params).toEqual({ per_page: 100, lang: 'fr' });
    expect(a.headers).toEqual({ accept: 'application/json', 'x-extra': '1' });
    expect(a.paginator).toEqual({ type: 'linkHeader' });
    expect([a.records, a.concurrency, a.maxPages, a.timezone]).toEqual(['data', 3, 10, 'America/New_York']);
    expect(b.paginator).toEqual({ type: 'cursor', cursorPath: 'next' });
    expect([b.concurrency, b.timezone, b.schedule]).toEqual([1, 'Asia/Tokyo', '0 6 * * 1-5']);
    expect(config.timezone).toBe('Europe/Paris');
    expect(a.source.headers).toEqual({ accept: 'application/json' });
  });

  it('a column picks a nested value with path, named by its key; expectTotal and every undeclared mode are read', () => {
    const config = base();
    const items = config.sources.api.resources.items;
    items.columns = { author: { path: 'user.login', type: 'text' }, 'roi.times': 'float' };
    items.undeclared = 'freeze';
    items.expectTotal = false;
    const resolved = parseConfig(config).resources[0] as ResolvedResource;
    expect(resolved.columns.slice(0, 2)).toEqual([
      { field: 'user.login', name: 'author', type: { kind: 'text' } },
      { field: 'roi.times', name: 'roi_times', type: { kind: 'float' } },
    ]);
    expect(resolved.undeclared).toBe('freeze');
    expect(resolved.expectTotal).toBe(false);
    for (const mode of ['infer', 'evolve', 'json', 'ignore']) {
      items.undeclared = mode;
      expect((parseConfig(config).resources[0] as ResolvedResource).undeclared).toBe(mode);
    }
    items.expectTotal = 'no';
    items.columns = { author: { path: 'user..login', type: 'text' } };
    const error = expectProblem(config, `${R}.expectTotal`, 'expected true or false, got "no"');
    expect(error.message).toContain(`${R}.columns.author.path: invalid JSON path`);
  });

  it('names columns in snake_case by default', () => {
    expect(['userId', 'ath_date', 'URLPath', 'roi.times', 'next-page', '24h_change', '_id', 'postID'].map(toSnakeCase)).toEqual([
      'user_id',
      'ath_date',
      'url_path',
      'roi_times',
      'next_page',
      '_24h_change',
      'id',
      'post_id',
    ]);
    const config = base();
    config.sources.api.resources.items.columns = { userId: 'bigint', 'roi.times': 'float' };
    config.sources.api.resources.items.primaryKey = ['userId', 'createdAt'];
    const items = parseConfig(config).resources[0] as ResolvedResource;
    expect(items.columns.map((c) => [c.field, c.name, c.type?.kind])).toEqual([
      ['userId', 'user_id', 'bigint'],
      ['roi.times', 'roi_times', 'float'],
      ['createdAt', 'created_at', undefined],
    ]);
    expect(items.table.primaryKey).toEqual(['user_id', 'created_at']);
  });

  it('substitutes ${env:…} inside longer strings and keeps $${env:…} literal', () => {
    const config = base();
    config.sources.api.auth = { type: 'token', token: '${env:TOKEN}', scheme: 'Bearer' };
    config.sources.api.headers = { 'x-note': 'user ${env:USER_NAME} says $${env:NOT_A_VAR}' };
    const resolved = parseConfig(config, { env: { TOKEN: 't0k', USER_NAME: 'ada' } });
    expect(resolved.sources.api?.auth).toEqual({ type: 'token', token: 't0k', scheme: 'Bearer' });
    expect(resolved.sources.api?.headers).toEqual({ 'x-note': 'user ada says ${env:NOT_A_VAR}' });
  });

  it('keeps sqlite::memory: and postgres URLs, and resolves in-memory configs against cwd', () => {
    expect(parseConfig({ ...base(), database: 'sqlite::memory:' }).database).toBe('sqlite::memory:');
    const pg = 'postgres://siphon@127.0.0.1:5432/siphon';
    expect(parseConfig({ ...base(), database: pg }).database).toBe(pg);
    expect(parseConfig(base(), { cwd: '/srv/app' }).database).toBe('sqlite:/srv/app/siphon.db');
  });
});

describe('unknown keys', () => {
  it('at the top level, with a hint', () => {
    expectProblem({ ...base(), databse: 'sqlite::memory:' }, 'databse', 'unknown key (did you mean "database"?)');
  });

  it('in a source', () => {
    const config = base();
    config.sources.api.baseURL = 'https://x';
    expectProblem(config, 'sources.api.baseURL', 'did you mean "baseUrl"?');
  });

  it('in a resource', () => {
    const config = base();
    config.sources.api.resources.items.primarykey = 'id';
    expectProblem(config, `${R}.primarykey`, 'did you mean "primaryKey"?');
  });

  it('in a column', () => {
    const config = base();
    config.sources.api.resources.items.columns.name = { nme: 'title', type: 'text' };
    expectProblem(config, `${R}.columns.name.nme`, 'did you mean "name"?');
  });

  it('in paginator options', () => {
    const config = base();
    config.sources.api.resources.items.paginator = { type: 'offset', limt: 20 };
    expectProblem(config, `${R}.paginator.limt`, 'unknown option "limt" for the offset paginator (did you mean "limit"?)');
  });

  it('in auth options', () => {
    const config = base();
    config.sources.api.auth = { type: 'bearer', tokne: 'x' };
    const error = expectProblem(config, 'sources.api.auth.tokne', 'unknown option for bearer auth (did you mean "token"?)');
    expect(error.message).toContain('sources.api.auth.token: is required');
  });

  it('in rateLimitedWhen', () => {
    const config = base();
    config.sources.api.rateLimitedWhen = { path: 'status.error_code', equal: 429 };
    expectProblem(config, 'sources.api.rateLimitedWhen.equal', 'unknown key (did you mean "equals"?)');
  });

  it('in a report', () => {
    expectProblem(
      { ...base(), reports: { top: { sql: 'SELECT 1', descripton: 'x' } } },
      'reports.top.descripton',
      'did you mean "description"?',
    );
  });
});

describe('invalid values', () => {
  it('unknown paginator type lists the valid ones', () => {
    const config = base();
    config.sources.api.resources.items.paginator = { type: 'pages' };
    expectProblem(config, `${R}.paginator.type`, 'expected one of pageNumber, offset, cursor, nextUrl, linkHeader, relay, single, auto');
  });

  it('unknown paginator type as shorthand, and inherited from the source', () => {
    const config = base();
    config.sources.api.paginator = 'pages';
    expectProblem(config, 'sources.api.paginator', 'unknown paginator type "pages"');
  });

  it('lists every problem of a paginator at once', () => {
    const config = base();
    config.sources.api.resources.items.paginator = { type: 'pageNumber', pageSize: 0, strat: 2 };
    const error = expectProblem(config, `${R}.paginator.pageSize`, 'expected a positive integer, got 0');
    expect(error.message).toContain(`${R}.paginator.strat: unknown option "strat" for the pageNumber paginator (did you mean "start"?)`);
  });

  it('offset paginator without a limit, with the full path', () => {
    const config = base();
    config.sources.api.resources.items.paginator = { type: 'offset' };
    expectProblem(config, `${R}.paginator.limit`, 'required: set limit');
    // …but a limit in the (inherited) params is enough.
    config.sources.api.params = { limit: 50 };
    expect(() => parseConfig(config)).not.toThrow();
  });

  it('unknown auth type', () => {
    const config = base();
    config.sources.api.auth = { type: 'oauth', token: 'x' };
    expectProblem(
      config,
      'sources.api.auth.type',
      'unknown auth type "oauth"; expected one of bearer, token, apiKey, basic, oauth2ClientCredentials',
    );
  });

  it('lists every problem of an auth config at once', () => {
    const config = base();
    config.sources.api.auth = { type: 'apiKey', name: 'X Key' };
    const error = expectProblem(config, 'sources.api.auth.value', 'is required');
    expect(error.message).toContain('sources.api.auth.name: "X Key" is not a valid HTTP token');
  });

  it('bad duration', () => {
    const config = base();
    config.sources.api.rateLimit = { requests: 10, per: '60 secs' };
    expectProblem(config, 'sources.api.rateLimit.per', 'invalid duration "60 secs"');
  });

  it('retry max below base', () => {
    const config = base();
    config.sources.api.retry = { base: '10s', max: '1s' };
    expectProblem(config, 'sources.api.retry.max', 'must be at least retry.base');
  });

  it.each([
    ['* * *', 'has 3 field(s); expected 5'],
    ['0 0 0 1 1 * 2030', 'has 7 field(s); expected 5'],
    ['every day', 'has 2 field(s)'],
    ['a b c d e', 'is not valid cron'],
    ['0 0 L * *', 'uses "L"'],
    ['0 0 15W * *', 'uses "W"'],
    ['0 0 * * 1#2', 'uses "#"'],
    ['0 0 ? * *', 'uses "?"'],
    ['@daily', 'nicknames such as @daily'],
    ['61 * * * *', 'is not a valid cron expression'],
    ['0 0 31 2 *', 'never fires'],
  ])('bad cron %s', (schedule, message) => {
    const config = base();
    config.sources.api.resources.items.schedule = schedule;
    expectProblem(config, `${R}.schedule`, message);
  });

  it('accepts 5- and 6-field cron with names', () => {
    const config = base();
    config.sources.api.resources.items.schedule = '0 30 9 * JUL-DEC MON-FRI';
    expect(parseConfig(config).resources[0]?.schedule).toBe('0 30 9 * JUL-DEC MON-FRI');
  });

  it('bad time zone at each level', () => {
    const config = base();
    config.timezone = 'Mars/Olympus';
    config.sources.api.timezone = 'Europe/Pariss';
    config.sources.api.resources.items.timezone = '+02:00';
    const error = expectProblem(config, 'timezone', 'unknown time zone "Mars/Olympus"');
    expect(error.message).toContain('sources.api.timezone: unknown time zone "Europe/Pariss"');
    expect(error.message).toContain(`${R}.timezone: unknown time zone "+02:00"`);
  });

  it('bad JSON paths', () => {
    const config = base();
    config.sources.api.resources.items.records = 'data..items';
    config.sources.api.rateLimitedWhen = { path: 'status[', equals: 429 };
    config.sources.api.resources.items.incremental = { cursorField: 'updated at', param: 'since' };
    config.sources.api.resources.other = { path: '/other', paginator: { type: 'cursor', cursorPath: 'meta.next]' } };
    const error = expectProblem(config, `${R}.records`, 'invalid JSON path "data..items"');
    expect(error.message).toContain('sources.api.rateLimitedWhen.path: invalid JSON path "status["');
    expect(error.message).toContain(`${R}.incremental.cursorField: invalid JSON path "updated at"`);
    expect(error.message).toContain('sources.api.resources.other.paginator.cursorPath: expected a valid JSON path');
  });

  it('bad column type, shorthand and long form', () => {
    const config = base();
    config.sources.api.resources.items.columns = { id: 'bigint', price: 'money', at: { type: 'decimal(2,5)' } };
    const error = expectProblem(config, `${R}.columns.price`, 'unknown column type "money"; expected one of text');
    expect(error.message).toContain(`${R}.columns.at.type: decimal scale 5 is larger than its precision 2`);
  });

  it('column without a type', () => {
    const config = base();
    config.sources.api.resources.items.columns.name = { name: 'title' };
    expectProblem(config, `${R}.columns.name.type`, 'is required');
  });

  it('bad table identifiers', () => {
    const config = base();
    config.sources.api.resources.items.table = 'my-items';
    expectProblem(config, `${R}.table`, 'table name "my-items" is not a valid identifier');
    config.sources.api.resources.items.table = 'x'.repeat(49);
    expectProblem(config, `${R}.table`, 'is 49 characters long; the limit is 48');
    config.sources.api.resources.items.table = '_siphon_runs';
    expectProblem(config, `${R}.table`, 'is reserved');
    config.sources.api.resources.items.columns.oid = 'bigint';
    expectProblem(config, `${R}.columns.oid`, 'column name "oid" is reserved by the database');
    delete config.sources.api.resources.items.columns.oid;
    delete config.sources.api.resources.items.table;
    config.sources.api.resources['coin-list'] = { path: '/coins' };
    expectProblem(config, 'sources.api.resources.coin-list', 'the resource name is the default table name); set table');
  });

  it('bad column identifiers', () => {
    const config = base();
    config.sources.api.resources.items.columns.name = { name: 'item name', type: 'text' };
    config.sources.api.resources.items.columns['roi.times'] = { name: 'x'.repeat(64), type: 'float' };
    const error = expectProblem(config, `${R}.columns.name.name`, 'column name "item name" is not a valid identifier');
    // A field that is not a plain name is quoted in the path.
    expect(error.message).toContain(`${R}.columns["roi.times"].name: column name "${'x'.repeat(64)}" is 64 characters long`);
  });

  it('two fields mapping to one column name', () => {
    const config = base();
    config.sources.api.resources.items.columns = { id: 'bigint', userId: 'bigint', user_id: 'text' };
    expectProblem(config, `${R}.columns.user_id`, 'column name "user_id" is also the column of field "userId"');
  });

  it('merge without a primary key', () => {
    const config = base();
    delete config.sources.api.resources.items.primaryKey;
    config.sources.api.resources.items.write = 'merge';
    expectProblem(config, `${R}.write`, 'merge upserts by primary key: set primaryKey');
  });

  it('primary key naming a column instead of a record field', () => {
    const config = base();
    config.sources.api.resources.items.columns = { id: { name: 'item_id', type: 'bigint' } };
    config.sources.api.resources.items.primaryKey = ['item_id'];
    expectProblem(config, `${R}.primaryKey[0]`, '"item_id" is not a record field but the column name of field "id"');
  });

  it('incremental with replace', () => {
    const config = base();
    config.sources.api.resources.items.write = 'replace';
    config.sources.api.resources.items.incremental = { cursorField: 'updated_at', param: 'since' };
    expectProblem(config, `${R}.incremental`, 'use write: merge or append');
  });

  it('unknown parent in a placeholder', () => {
    const config = base();
    config.sources.api.resources.notes = { path: '/items/{item.id}/notes' };
    expectProblem(
      config,
      'sources.api.resources.notes.path',
      'placeholder {item.id}: source api has no resource "item" (did you mean "items"?)',
    );
  });

  it('parent field that is not a column', () => {
    const config = base();
    config.sources.api.resources.notes = { path: '/items/{items.slug}/notes' };
    expectProblem(config, 'sources.api.resources.notes.path', 'placeholder {items.slug}: items has no column or primaryKey field "slug"');
  });

  it('placeholder without a field, self reference and cycles', () => {
    const config = base();
    config.sources.api.resources.a = { path: '/a/{id}' };
    config.sources.api.resources.b = { path: '/b/{b.id}', primaryKey: 'id' };
    config.sources.api.resources.c = { path: '/c/{d.id}', primaryKey: 'id' };
    config.sources.api.resources.d = { path: '/d/{c.id}', primaryKey: 'id' };
    const error = expectProblem(config, 'sources.api.resources.a.path', 'placeholder {id} must name a parent resource and its field');
    expect(error.message).toContain('sources.api.resources.b.path: placeholder {b.id} names the resource itself');
    expect(error.message).toContain('sources.api.resources.c.path: parents form a cycle: c → d → c');
    expect(error.message).toContain('sources.api.resources.d.path: parents form a cycle');
  });

  it('duplicate table names across sources, naming both', () => {
    const config = base();
    config.sources.other = { baseUrl: 'https://other.example.com', resources: { things: { path: '/things', table: 'Items' } } };
    expectProblem(config, 'sources.other.resources.things.table', 'table "Items" is also the table of sources.api.resources.items');
  });

  it('missing required fields', () => {
    const config = base();
    delete config.sources.api.baseUrl;
    delete config.sources.api.resources.items.path;
    const error = expectProblem(config, 'sources.api.baseUrl', 'is required');
    expect(error.message).toContain(`${R}.path: is required`);
    expectProblem({ database: 'sqlite::memory:' }, 'sources', 'is required');
    expectProblem({ sources: {} }, 'sources', 'must define at least one source');
    expectProblem({ ...base(), reports: { top: { description: 'x' } } }, 'reports.top.sql', 'is required');
  });

  it('wrong value types', () => {
    const config = base();
    config.sources.api.resources.items.concurrency = 'four';
    config.sources.api.rateLimit = { requests: 0, per: '1s' };
    config.sources.api.resources.items.batchSize = 2.5;
    config.sources.api.resources.items.write = 'upsert';
    config.sources.api.resources.items.undeclared = 'drop';
    const error = expectProblem(config, `${R}.concurrency`, 'expected a positive integer, got "four"');
    expect(error.message).toContain('sources.api.rateLimit.requests: expected a positive integer, got 0');
    expect(error.message).toContain(`${R}.batchSize: expected a positive integer, got 2.5`);
    expect(error.message).toContain(`${R}.write: expected one of replace, merge, append, got "upsert"`);
    expect(error.message).toContain(`${R}.undeclared: expected one of infer, evolve, json, ignore, freeze, got "drop"`);
  });

  it('bad baseUrl and path', () => {
    const config = base();
    config.sources.api.baseUrl = 'api.example.com';
    config.sources.api.resources.items.path = 'items';
    const error = expectProblem(config, 'sources.api.baseUrl', 'must be an absolute http(s) URL');
    expect(error.message).toContain(`${R}.path: must start with "/"`);
    config.sources.api.baseUrl = 'ftp://api.example.com';
    expectProblem(config, 'sources.api.baseUrl', 'must be an http or https URL, got ftp:');
  });

  it('bad database URL scheme, without echoing the URL', () => {
    const error = expectProblem(
      { ...base(), database: 'mysql://root:hunter2@db/app' },
      'database',
      'unsupported database URL "mysql://root:***@db/app"',
    );
    expect(error.message).toContain('expected sqlite:./path.db');
    expect(error.message).not.toContain('hunter2');
  });
});

describe('environment variables', () => {
  it('a missing variable names itself and its path; other secrets never appear', () => {
    const config = base();
    config.sources.api.auth = { type: 'apiKey', name: 'x-key', value: '${env:API_KEY}' };
    config.sources.api.headers = { 'x-client': '${env:CLIENT_SECRET}', 'x-bad': 'has\n${env:CLIENT_SECRET}' };
    config.sources.api.baseUrl = '${env:API_BASE}';
    const error = expectProblem(config, 'sources.api.auth.value', 'environment variable API_KEY is not set', {
      CLIENT_SECRET: 'very-secret-value',
    });
    expect(error.message).toContain('sources.api.baseUrl: environment variable API_BASE is not set');
    // The unresolved baseUrl is not reported a second time as "not a URL".
    expect(error.issues.filter((issue) => issue.path === 'sources.api.baseUrl')).toHaveLength(1);
    expect(error.message).not.toContain('very-secret-value');
  });

  it('secrets substituted into invalid values are redacted', () => {
    const config = base();
    config.sources.api.resources.items.table = '${env:TABLE_SECRET}';
    const error = expectProblem(config, `${R}.table`, 'table name "${env:TABLE_SECRET}" is not a valid identifier', {
      TABLE_SECRET: 'not-an-identifier!',
    });
    expect(error.message).not.toContain('not-an-identifier!');
  });

  it('SIPHON_DATABASE overrides database, relative to cwd', async () => {
    const cwd = await project({ 'siphon.yaml': BRIEF_YAML });
    const config = await loadConfig({ cwd, env: { CG_KEY: SECRET, SIPHON_DATABASE: 'postgres://app@127.0.0.1:5432/siphon' } });
    expect(config.database).toBe('postgres://app@127.0.0.1:5432/siphon');
    const relative = parseConfig(base(), { cwd: '/srv', env: { SIPHON_DATABASE: 'sqlite:data/x.db' } });
    expect(relative.database).toBe('sqlite:/srv/data/x.db');
    expectProblem(base(), 'SIPHON_DATABASE', 'unsupported database URL "redis://x"', { SIPHON_DATABASE: 'redis://x' });
  });
});

describe('files', () => {
  it('reports YAML syntax errors with file:line:col', async () => {
    const cwd = await project({ 'siphon.yaml': 'sources:\n  api:\n    baseUrl: [http://x\n    resources: {}\n' });
    const error = await asyncFailure(() => loadConfig({ cwd }));
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.message).toMatch(/siphon\.yaml:4:\d+: /);
  });

  it('reports JSON syntax errors with file:line:col', async () => {
    const cwd = await project({ 'siphon.json': '{\n  "sources": {\n    "api": }\n}\n' });
    const error = await asyncFailure(() => loadConfig({ cwd }));
    expect(error.message).toContain("siphon.json:3:12: invalid JSON: Unexpected token '}'");
  });

  it('points validation problems at their line in the file', async () => {
    const cwd = await project({ 'siphon.yaml': BRIEF_YAML.replace('per: 60s', 'per: 60 secs') });
    const error = (await asyncFailure(() => loadConfig({ cwd, env: { CG_KEY: 'k' } }))) as ConfigValidationError;
    expect(error.issues).toEqual([
      {
        path: 'sources.coingecko.rateLimit.per',
        message: expect.stringContaining('invalid duration "60 secs"'),
        location: 'siphon.yaml:7:32',
      },
    ]);
    expect(error.message).toContain('(siphon.yaml:7:32)');
  });

  it('loads JSON configs', async () => {
    const cwd = await project({ 'siphon.json': JSON.stringify(base()) });
    expect((await loadConfig({ cwd })).resources[0]?.id).toBe('api.items');
  });

  it('missing file: names what was looked for', async () => {
    const cwd = await project({});
    const error = await asyncFailure(() => loadConfig({ cwd }));
    expect(error.message).toContain(
      `no config file in ${cwd}: looked for siphon.yaml, siphon.yml, siphon.json, siphon.config.ts, siphon.config.js, siphon.config.mjs`,
    );
    const explicit = await asyncFailure(() => loadConfig({ cwd, file: 'other.yaml' }));
    expect(explicit.message).toContain(`config file ${join(cwd, 'other.yaml')} does not exist`);
  });

  it('loads siphon.config.ts written with defineConfig, also as a function', async () => {
    const defineConfigPath = fileURLToPath(new URL('../src/config/define-config.ts', import.meta.url));
    const cwd = await project({
      'siphon.config.ts': `import { defineConfig } from ${JSON.stringify(defineConfigPath)};
const limit: number = 20;
export default defineConfig({
  database: 'sqlite:./data/siphon.db',
  sources: {
    shop: {
      baseUrl: 'http://127.0.0.1:9000',
      auth: { type: 'bearer', token: '\${env:SHOP_TOKEN}' },
      resources: { posts: { path: '/posts', paginator: { type: 'offset', limit }, primaryKey: 'id' } },
    },
  },
});
`,
      'fn.config.mjs': `export default async () => (${JSON.stringify(base())});\n`,
    });
    const config = await loadConfig({ cwd, env: { SHOP_TOKEN: 'tok' } });
    expect(config.file).toBe(join(cwd, 'siphon.config.ts'));
    expect(config.database).toBe(`sqlite:${join(cwd, 'data/siphon.db')}`);
    expect(config.sources.shop?.auth).toEqual({ type: 'bearer', token: 'tok' });
    expect(config.resources[0]?.paginator).toEqual({ type: 'offset', limit: 20 });
    const fromFunction = await loadConfig({ cwd, file: 'fn.config.mjs' });
    expect(fromFunction.resources[0]?.id).toBe('api.items');
  });

  it('validates TypeScript configs like any other', async () => {
    const cwd = await project({
      'siphon.config.ts': `export default { sources: { api: { baseUrl: 'http://x', resources: { a: { path: '/a', wrte: 'merge' } } } } };\n`,
    });
    const error = await asyncFailure(() => loadConfig({ cwd }));
    expect(error.message).toContain('sources.api.resources.a.wrte: unknown key (did you mean "write"?)');
  });
});

describe('several problems at once', () => {
  it('lists every problem, one per line', async () => {
    const yaml = `
databse: sqlite:./x.db
sources:
  api:
    baseUrl: not a url
    rateLimit: { requests: 0, per: 60 secs }
    resources:
      items:
        path: /items
        write: merge
        schedule: "0 0 L * *"
        columns: { price: money }
      notes:
        path: /items/{itemz.id}/notes
        concurrency: four
`;
    const cwd = await project({ 'siphon.yaml': yaml });
    const error = (await asyncFailure(() => loadConfig({ cwd }))) as ConfigValidationError;
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'databse',
        'sources.api.baseUrl',
        'sources.api.rateLimit.requests',
        'sources.api.rateLimit.per',
        'sources.api.resources.items.schedule',
        'sources.api.resources.items.columns.price',
        'sources.api.resources.notes.concurrency',
      ]),
    );
    expect(error.message.split('\n')[0]).toBe(`Invalid Siphon config siphon.yaml (${error.issues.length} problems):`);
    expect(error.message.split('\n')).toHaveLength(error.issues.length + 1);
  });

  it('reports problems of valid resources next to invalid ones', () => {
    const config = base();
    config.sources.api.resources.items.write = 'merge';
    delete config.sources.api.resources.items.primaryKey;
    config.sources.api.auth = { type: 'bearer', tokne: 'x' };
    config.sources.api.rateLimit = { requests: 0, per: '1s' };
    config.sources.api.resources.broken = {
      path: '/broken',
      concurrency: 0,
      primaryKey: 'id',
      columns: { id: 'money' },
      paginator: { type: 'offset', limt: 5 },
    };
    config.sources.api.resources.child = { path: '/broken/{broken.id}/x' };
    const error = expectProblem(config, `${R}.write`, 'merge upserts by primary key');
    expect(error.message).toContain('sources.api.rateLimit.requests: expected a positive integer, got 0');
    expect(error.message).toContain('sources.api.auth.tokne: unknown option for bearer auth');
    expect(error.message).toContain('sources.api.resources.broken.concurrency: expected a positive integer, got 0');
    expect(error.message).toContain('sources.api.resources.broken.columns.id: unknown column type "money"');
    expect(error.message).toContain('sources.api.resources.broken.paginator.limt: unknown option "limt"');
    // The child is not blamed for its parent's broken columns, nor the parent for a key it declared.
    expect(error.message).not.toContain('sources.api.resources.child');
    expect(error.message).not.toContain('sources.api.resources.broken.write');
    expect(error.issues).toHaveLength(7);
  });
});
