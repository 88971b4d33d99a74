import { CoercionError, HttpClient, LosslessNumber, parseConfig, parseJson, RecordError, ResponseBodyError } from 'siphon-sync';
import { openStore, type Store } from 'siphon-sync/store';
import { syncResources } from 'siphon-sync/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from './helpers/async.js';
import { createTestDatabase, dialects, type TestDatabase } from './helpers/databases.js';
import { numberValue } from './helpers/exact-number.js';
import { type RawPagesApi, rawPagesResource, startRawPagesApi } from './helpers/raw-pages-api.js';
import { startServer } from './helpers/test-server.js';

// Values reach the table as the API sent them, or the run fails naming where:
// numbers a double cannot hold, records that are not objects, NUL characters,
// and bodies nested too deep to walk.

const TINY = `0.${'0'.repeat(399)}1`; // 1e-400
const HUGE = `1${'0'.repeat(400)}`; // 1e400

describe('exact numbers through the JSON parser', () => {
  it('keeps numbers a double would change as their digits, whatever else the body holds', () => {
    const body = parseJson('{"tiny": 1e-400, "huge": 1e400, "nested": {"a": [1E400, -2.5e-330]}, "small": 12}') as Record<string, unknown>;
    expect(body.tiny).toBeInstanceOf(LosslessNumber);
    expect(String(body.tiny)).toBe('1e-400');
    expect(String(body.huge)).toBe('1e400');
    const nested = (body.nested as { a: unknown[] }).a;
    expect(nested.map(String)).toEqual(['1E400', '-2.5e-330']);
    expect(body.small).toBe(12);
  });

  it('which parser reads a body changes nothing else: a repeated key keeps its last value, as JSON.parse does', () => {
    expect(parseJson('{"a": 1, "a": 2}')).toEqual({ a: 2 });
    const exact = parseJson('{"a": 1, "a": 2, "n": 1e400}') as { a: unknown; n: unknown };
    expect(exact.a).toBe(2);
    expect(String(exact.n)).toBe('1e400');
  });

  it('numbers a double holds stay plain numbers, exponent or not', () => {
    expect(parseJson('[1e5, 2.5E-3, 0.1, -0, 9007199254740991, 1.50]')).toEqual([100000, 0.0025, 0.1, -0, 9007199254740991, 1.5]);
    expect(parseJson('{"id": "3e4f", "n": 7}')).toEqual({ id: '3e4f', n: 7 });
  });

  it('exact numbers anywhere a value can be, beside strings that look like numbers or hold U+0001', () => {
    const big = '12345678901234567890';
    const parsed = parseJson(
      `{"__proto__": ${big}, "1": -${big}, "s": "\\u0001${big}", "t": "${big}", "a": [[0.12345678901234567], {"e": 1e400}]}`,
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['1', '__proto__', 's', 't', 'a']);
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toBe(BigInt(big));
    expect(parsed['1']).toBe(-BigInt(big));
    expect(parsed.s).toBe(`\u0001${big}`);
    expect(parsed.t).toBe(big);
    const [[decimal], { e }] = parsed.a as [[unknown], { e: unknown }];
    expect(String(decimal)).toBe('0.12345678901234567');
    expect(String(e)).toBe('1e400');
    expect(parseJson(`${big}`)).toBe(BigInt(big));
    expect(parseJson(`{"a": ${big}, "a": 1}`)).toEqual({ a: 1 });
  });

  it('malformed text around an exact number is refused, never read as something else', () => {
    for (const text of ['{12345678901234567890: 1}', '[12345678901234567890.]', '[--12345678901234567890]', '[1e]', '[1 2e5]']) {
      expect(() => parseJson(text), text).toThrow(SyntaxError);
    }
  });
});

describe('nesting depth', () => {
  const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('a body nested 20,000 deep fails once, non-retryable, naming the URL and the limit', async () => {
    for (const body of [deep(20_000), `{"n": 12345678901234567890, "a": ${deep(20_000)}}`]) {
      const server = await startServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
      const client = new HttpClient({ retry: { retries: 3, base: '1ms', max: '5ms' } });
      try {
        const error = await client.getJson(`${server.url}/deep?page=1`).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ResponseBodyError);
        const bodyError = error as ResponseBodyError;
        expect(bodyError.retryable).toBe(false);
        expect(bodyError.message).toContain(`${server.url}/deep?page=1`);
        expect(bodyError.message).toMatch(/nested deeper than 1000 levels/);
        expect(bodyError.message).not.toMatch(/malformed|call stack/);
        expect(server.requests).toHaveLength(1);
      } finally {
        await client.close();
        await server.close();
      }
    }
  });

  it('a body at the limit parses', () => {
    expect(JSON.stringify(parseJson(deep(1000)))).toBe(deep(1000));
    expect(() => parseJson(deep(1001))).toThrow(/nested deeper than 1000 levels/);
    // Brackets inside strings are text, not nesting.
    expect(parseJson(`["${'['.repeat(5000)}"]`)).toEqual(['['.repeat(5000)]);
  });
});

describe.each(dialects)('exact values into tables (%s)', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  const apis: RawPagesApi[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    store = await openStore(db.url);
    await store.init();
  });
  afterAll(async () => {
    await store.close();
    await Promise.all(apis.map((api) => api.close()));
    await db.drop();
  });

  async function sync(pages: string[], resource: Record<string, unknown>, source: Record<string, unknown> = {}) {
    const api = await startRawPagesApi(pages);
    apis.push(api);
    // A resource of its own per case: a failed run must not be resumed by the next case.
    const config = parseConfig({
      database: db.url,
      sources: { api: { baseUrl: api.url, ...source, resources: { [`r${apis.length}`]: resource } } },
    });
    const [outcome] = await syncResources({ config, store });
    if (!outcome) throw new Error('no run');
    return { outcome, url: api.url };
  }

  it('1e-400 and 1e400 keep their value in decimal, text, json, _extra and inferred columns', async () => {
    const record = '{"id": 1, "d": 1e-400, "t": 1e400, "j": {"a": 1e400, "b": [1e-400]}, "x": 1e400, "y": 2.5e-400}';
    const declared = { d: 'decimal', t: 'text', j: 'json' };
    const { outcome } = await sync([`[${record}]`], rawPagesResource({ table: 'exact_declared', primaryKey: 'id', columns: declared }));
    expect(outcome.error).toBeUndefined();
    const [row] = await tableRows(store, 'exact_declared');
    expect(row?.d).toBe(TINY);
    expect(row?.t).toBe('1e400');
    const json = row?.j as { a: unknown; b: unknown[] };
    expect(numberValue(json.a)).toBe(numberValue(HUGE));
    expect(numberValue(json.b[0])).toBe(numberValue(TINY));
    // Inferred: an unbounded decimal with every digit.
    expect(row?.x).toBe(HUGE);
    expect(row?.y).toBe(`0.${'0'.repeat(399)}25`);

    const extra = await sync([`[${record}]`], rawPagesResource({ table: 'exact_extra', primaryKey: 'id', undeclared: 'json' }));
    expect(extra.outcome.error).toBeUndefined();
    const [kept] = await tableRows(store, 'exact_extra');
    const rest = kept?._extra as Record<string, unknown>;
    expect(numberValue(rest.x)).toBe(numberValue(HUGE));
    expect(numberValue(rest.d)).toBe(numberValue(TINY));
  });

  it('a number a column cannot hold exactly is a CoercionError, never 0 or Infinity', async () => {
    const cases: [string, string, string][] = [
      ['float', '1e-400', 'f'],
      ['float', '1e400', 'f'],
      ['bigint', '1e400', 'b'],
      ['integer', '-1e400', 'i'],
    ];
    for (const [type, number, column] of cases) {
      const table = `exact_${type}_${column}_${number.replace(/\W/g, '_')}`;
      const { outcome } = await sync([`[{"id": 1, "${column}": ${number}}]`], rawPagesResource({ table, columns: { [column]: type } }));
      expect(outcome.error, `${number} into ${type}`).toBeInstanceOf(CoercionError);
      expect(outcome.error?.message).toContain(`${table}.${column} (${type})`);
      expect(outcome.error?.message).toContain(number);
      expect(outcome.run.status).toBe('failed');
    }
  });

  it('a record that is not an object is an error naming it, its position and its page, with or without a key', async () => {
    for (const [records, shown, position, keyed] of [
      ['{"id": 1}, 42', '42', 2, false],
      ['{"id": 1}, {"id": 2}, "str"', '"str"', 3, true],
      ['null', 'null', 1, false],
      ['{"id": 1}, [1, 2]', '[1,2]', 2, true],
    ] as const) {
      const table = `shapes_${keyed ? 'keyed' : 'plain'}_${records.length}`;
      const resource = rawPagesResource({ table, ...(keyed ? { primaryKey: 'id' } : {}), columns: { id: 'bigint' } });
      const { outcome, url } = await sync([`[{"id": 0}]`, `[${records}]`], resource);
      expect(outcome.error, records).toBeInstanceOf(RecordError);
      const message = outcome.error?.message ?? '';
      expect(message).toContain(`record ${position} of page 2`);
      expect(message).toContain(`${url}/items?page=2`);
      expect(message).toContain(`is ${shown}`);
      expect(message).not.toContain('cannot be NULL');
      expect(outcome.run.status).toBe('failed');
    }
  });

  it('the page URL in the message carries no credential', async () => {
    const auth = { type: 'apiKey', in: 'query', name: 'api_key', value: 'sekret-query-key-42' };
    const { outcome, url } = await sync(['[{"id": 1}, 7]'], rawPagesResource({ table: 'shapes_secret' }), { auth });
    expect(outcome.error).toBeInstanceOf(RecordError);
    expect(outcome.error?.message).toContain('record 2 of page 1');
    expect(outcome.error?.message).toContain(`${url}/items?`);
    expect(outcome.error?.message).not.toContain('sekret-query-key-42');
    const coerced = await sync(['[{"id": 1, "n": "abc"}]'], rawPagesResource({ table: 'coerced_secret', columns: { n: 'bigint' } }), {
      auth,
    });
    expect(coerced.outcome.error).toBeInstanceOf(CoercionError);
    expect(coerced.outcome.error?.message).toContain('record 1 of page 1');
    expect(coerced.outcome.error?.message).not.toContain('sekret-query-key-42');
  });

  it('a long record that is not an object is shortened in the message', async () => {
    const long = JSON.stringify('x'.repeat(5000));
    const { outcome } = await sync([`[${long}]`], rawPagesResource({ table: 'shapes_long' }));
    expect(outcome.error).toBeInstanceOf(RecordError);
    expect(outcome.error?.message.length).toBeLessThan(400);
  });

  it(`a NUL character ${dialect === 'sqlite' ? 'is stored exactly' : 'is refused, naming table, column and record'}`, async () => {
    const records = '[{"id": 1, "t": "ok", "j": {"a": "ok"}}, {"id": 2, "t": "a\\u0000b", "j": {"a": "c\\u0000d", "b": "\\\\u0000"}}]';
    const { outcome, url } = await sync(
      [records],
      rawPagesResource({ table: 'nul_text', primaryKey: 'id', columns: { t: 'text', j: 'json' } }),
    );
    if (dialect === 'sqlite') {
      expect(outcome.error).toBeUndefined();
      const rows = await tableRows(store, 'nul_text');
      expect(rows[1]?.t).toBe('a\u0000b');
      expect(rows[1]?.j).toEqual({ a: 'c\u0000d', b: '\\u0000' });
      return;
    }
    expect(outcome.error).toBeInstanceOf(CoercionError);
    const message = outcome.error?.message ?? '';
    expect(message).toContain('nul_text.t (text)');
    expect(message).toContain('NUL');
    expect(message).toContain(`record 2 of page 1`);
    expect(message).toContain(`${url}/items?page=1`);
    expect(message).not.toContain('invalid byte sequence');

    const json = await sync(
      ['[{"id": 1, "j": {"a": "\\\\u0000 is fine", "b": ["c\\u0000d"]}}]'],
      rawPagesResource({ table: 'nul_json', primaryKey: 'id', columns: { j: 'json' } }),
    );
    expect(json.outcome.error).toBeInstanceOf(CoercionError);
    expect(json.outcome.error?.message).toContain('nul_json.j (json)');
    expect(json.outcome.error?.message).toContain('record 1 of page 1');
    const escaped = await sync(
      ['[{"id": 1, "j": {"a": "\\\\u0000 is text"}}]'],
      rawPagesResource({ table: 'nul_json_ok', columns: { j: 'json' } }),
    );
    expect(escaped.outcome.error).toBeUndefined();
    expect((await tableRows(store, 'nul_json_ok'))[0]?.j).toEqual({ a: '\\u0000 is text' });
  });

  it(`a lone surrogate (half a UTF-16 pair) is refused in text; in json it is ${dialect === 'sqlite' ? 'kept exactly' : 'refused'}`, async () => {
    const text = await sync(
      ['[{"id": 1, "t": "ok"}, {"id": 2, "t": "a\\ud800b"}]'],
      rawPagesResource({ table: 'half_text', columns: { t: 'text' } }),
    );
    expect(text.outcome.error).toBeInstanceOf(CoercionError);
    expect(text.outcome.error?.message).toContain('half_text.t (text)');
    expect(text.outcome.error?.message).toContain('surrogate');
    expect(text.outcome.error?.message).toContain('record 2 of page 1');

    const json = await sync(['[{"id": 1, "j": {"x": "\\udc00"}}]'], rawPagesResource({ table: 'half_json', columns: { j: 'json' } }));
    if (dialect === 'sqlite') {
      expect(json.outcome.error).toBeUndefined();
      expect((await tableRows(store, 'half_json'))[0]?.j).toEqual({ x: '\udc00' });
    } else {
      expect(json.outcome.error).toBeInstanceOf(CoercionError);
      expect(json.outcome.error?.message).toContain('half_json.j (json)');
      expect(json.outcome.error?.message).toContain('record 1 of page 1');
    }
  });
});
