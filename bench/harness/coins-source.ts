// The coins resource as the end-to-end and memory scenarios sync it: the demo
// API's /coins/markets into the reference model's 26 typed columns (see
// src/demo-api/coins.ts), 250 coins a page, and the raw loop it is measured
// against. market_cap_change_24h is decimal here, not the model's bigint:
// about one in ten coins sends it with a fraction, which a bigint column
// could not store exactly.
import { parseConfig, parseJson, type ResolvedConfig } from 'siphon-sync';

/** CoinGecko's largest page. */
export const PER_PAGE = 250;
/** Pages in flight, for Siphon and for the raw loop alike. */
export const CONCURRENCY = 4;
export const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The reference model's column types (see src/demo-api/coins.ts), for every benchmark that stores coins. */
export const COIN_COLUMNS = {
  id: 'text',
  symbol: 'text',
  name: 'text',
  image: 'text',
  current_price: 'decimal(20,2)',
  market_cap: 'bigint',
  market_cap_rank: 'integer',
  fully_diluted_valuation: 'bigint',
  total_volume: 'bigint',
  high_24h: 'decimal(20,2)',
  low_24h: 'decimal(20,2)',
  price_change_24h: 'decimal(20,2)',
  price_change_percentage_24h: 'decimal(10,5)',
  market_cap_change_24h: 'decimal(20,2)',
  market_cap_change_percentage_24h: 'decimal(10,5)',
  circulating_supply: 'decimal(20,2)',
  total_supply: 'decimal(20,2)',
  max_supply: 'decimal(20,2)',
  ath: 'decimal(20,2)',
  ath_change_percentage: 'decimal(10,5)',
  ath_date: 'timestamp',
  atl: 'decimal(20,2)',
  atl_change_percentage: 'decimal(20,5)',
  atl_date: 'timestamp',
  roi: 'json',
  last_updated: 'timestamp',
} as const;

/** The config, as a file would hold it, syncing `baseUrl`'s coins into table `coins` of `database` with `write`. */
export function coinsConfigInput(baseUrl: string, database: string, write: 'replace' | 'merge') {
  return {
    database,
    sources: {
      demo: {
        baseUrl,
        resources: {
          coins: {
            path: '/api/v3/coins/markets',
            params: { vs_currency: 'usd', per_page: PER_PAGE },
            paginator: { type: 'pageNumber', pageParam: 'page', start: 1 },
            concurrency: CONCURRENCY,
            primaryKey: 'id',
            table: 'coins',
            write,
            columns: COIN_COLUMNS,
          },
        },
      },
    },
  } as const;
}

/** {@link coinsConfigInput}, parsed. */
export function coinsConfig(baseUrl: string, database: string, write: 'replace' | 'merge', cwd: string): ResolvedConfig {
  return parseConfig(coinsConfigInput(baseUrl, database, write), { cwd });
}

/**
 * The raw loop: every page of `records` coins fetched with `CONCURRENCY` in
 * flight, each body parsed with Siphon's exact parser and dropped. Returns
 * the elapsed milliseconds.
 */
export async function rawFetchLoop(baseUrl: string, records: number): Promise<number> {
  const pages = Math.ceil(records / PER_PAGE);
  let next = 1;
  let parsed = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next <= pages) {
      const page = next;
      next += 1;
      const response = await fetch(`${baseUrl}/api/v3/coins/markets?vs_currency=usd&per_page=${PER_PAGE}&page=${page}`);
      if (!response.ok) throw new Error(`raw loop: page ${page} answered HTTP ${response.status}`);
      const coins = parseJson(await response.text()) as unknown[];
      parsed += coins.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (parsed !== records) throw new Error(`raw loop: expected ${records} coins, parsed ${parsed}`);
  return performance.now() - started;
}
