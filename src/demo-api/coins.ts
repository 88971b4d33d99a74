import { decimal, decimalText, rescale, scaleBy, type Decimal } from './decimal.js';
import { days, isoBefore } from './demo-epoch.js';
import { createRandom, type Random } from './random.js';
import { COIN_SUFFIXES, COIN_SYLLABLES } from './words.js';

/**
 * One coin as CoinGecko's `/coins/markets` sends it. The record is kept as
 * JSON text because several of its numbers (market caps and supplies above
 * 2^53, prices with 20 significant digits) cannot survive a JS double: parse
 * it with an exact parser (lossless-json, `parseJson` in exact mode) to compare.
 */
export interface DemoCoin {
  readonly id: string;
  /** `market_cap_rank`; the dataset is ordered by it. */
  readonly rank: number;
  /** The exact JSON object text the server sends for this coin. */
  readonly json: string;
}

/** CoinGecko's 26 market fields, in its order. */
export const COIN_FIELDS = [
  'id', 'symbol', 'name', 'image', 'current_price', 'market_cap', 'market_cap_rank', 'fully_diluted_valuation',
  'total_volume', 'high_24h', 'low_24h', 'price_change_24h', 'price_change_percentage_24h', 'market_cap_change_24h',
  'market_cap_change_percentage_24h', 'circulating_supply', 'total_supply', 'max_supply', 'ath', 'ath_change_percentage',
  'ath_date', 'atl', 'atl_change_percentage', 'atl_date', 'roi', 'last_updated',
] as const;

/** 2^53 + 1: the smallest positive integer a double cannot hold, always on the wire as coin #2's market cap. */
export const UNSAFE_MARKET_CAP = 9_007_199_254_740_993n;

const PERCENT_SCALE = 5;
const HUNDRED_PERCENT = 100n * 10n ** BigInt(PERCENT_SCALE);

export function generateCoins(seed: number, count: number): DemoCoin[] {
  const random = createRandom(seed, 'coins');
  const names = coinNames(random, count);
  // A few coins carry volumes or valuations above 2^53 wherever they rank.
  const giantVolume = new Set([random.int(1, count), random.int(1, count)]);
  const giantValuation = random.int(1, count);
  const coins: DemoCoin[] = [];
  let previousCap = 0n;
  for (let rank = 1; rank <= count; rank += 1) {
    const marketCap = marketCapAt(random, rank, previousCap);
    previousCap = marketCap;
    const giant = { volume: giantVolume.has(rank) || random.chance(0.005), valuation: rank === giantValuation };
    const name = names[rank - 1] as string;
    coins.push({ id: slug(name), rank, json: coinJson(random, name, rank, marketCap, giant) });
  }
  return coins;
}

function coinJson(random: Random, name: string, rank: number, marketCap: bigint, giant: { volume: boolean; valuation: boolean }): string {
  const id = slug(name);
  const price = randomPrice(random);
  const priceChangePct = random.chance(0.04) ? null : percent(random, 20);
  const capChangePct = percent(random, 25);
  const circulating = randomSupply(random);
  const total = random.chance(0.05) ? null : scaleBy(circulating, BigInt(random.int(1000, 3000)), 1000n);
  const max = total === null || random.chance(0.4) ? null : scaleBy(total, BigInt(random.int(1000, 2000)), 1000n);
  const valuation = giant.valuation
    ? random.bigint(10n ** 19n, 10n ** 20n - 1n)
    : random.chance(0.15) ? null : (marketCap * BigInt(random.int(100, 400))) / 100n;
  const volume = giant.volume
    ? random.bigint(10n ** 18n, 10n ** 21n - 1n)
    : (marketCap * BigInt(random.int(1, 60))) / 100n + BigInt(random.int(0, 999));
  const athFactor = BigInt(random.int(1000, 40_000));
  const atlFactor = BigInt(random.int(1000, 1_000_000));
  const fine = rescale(price, price.scale + 6); // so tiny prices keep digits when divided
  const fields: Record<(typeof COIN_FIELDS)[number], string> = {
    id: JSON.stringify(id),
    symbol: JSON.stringify(id.replace(/[^a-z]/g, '').slice(0, random.int(3, 5))),
    name: JSON.stringify(name),
    image: JSON.stringify(`https://coin-images.coingecko.com/coins/images/${random.int(1, 40_000)}/large/${id}.png?${random.int(1_600_000_000, 1_710_000_000)}`),
    current_price: decimalText(price),
    market_cap: marketCap.toString(),
    market_cap_rank: String(rank),
    fully_diluted_valuation: valuation === null ? 'null' : valuation.toString(),
    total_volume: volume.toString(),
    high_24h: decimalText(scaleBy(price, BigInt(random.int(1000, 1080)), 1000n)),
    low_24h: decimalText(scaleBy(price, BigInt(random.int(900, 1000)), 1000n)),
    price_change_24h: priceChangePct === null ? 'null' : decimalText(scaleBy(fine, priceChangePct.units, HUNDRED_PERCENT)),
    price_change_percentage_24h: priceChangePct === null ? 'null' : decimalText(priceChangePct),
    market_cap_change_24h: decimalText(scaleBy(decimal(marketCap * 1_000_000n, 6), capChangePct.units, HUNDRED_PERCENT)),
    market_cap_change_percentage_24h: decimalText(capChangePct),
    circulating_supply: decimalText(circulating),
    total_supply: total === null ? 'null' : decimalText(total),
    max_supply: max === null ? 'null' : decimalText(max),
    ath: decimalText(scaleBy(price, athFactor, 1000n)),
    ath_change_percentage: decimalText(decimal((HUNDRED_PERCENT * 1000n) / athFactor - HUNDRED_PERCENT, PERCENT_SCALE)),
    ath_date: JSON.stringify(isoBefore(random.int(days(1), days(1500)))),
    atl: decimalText(scaleBy(fine, 1000n, atlFactor)),
    atl_change_percentage: decimalText(decimal(((atlFactor - 1000n) * HUNDRED_PERCENT) / 1000n, PERCENT_SCALE)),
    atl_date: JSON.stringify(isoBefore(random.int(days(1500), days(4000)))),
    roi: random.chance(0.15) ? roiJson(random) : 'null',
    last_updated: JSON.stringify(isoBefore(random.int(0, 600_000))),
  };
  return `{${COIN_FIELDS.map((field) => `${JSON.stringify(field)}:${fields[field]}`).join(',')}}`;
}

/** Strictly ordered by rank; the top two are the deliberately unsafe ones. */
function marketCapAt(random: Random, rank: number, previous: bigint): bigint {
  if (rank === 1) return random.bigint(10n ** 20n, 10n ** 21n - 1n);
  if (rank === 2) return UNSAFE_MARKET_CAP;
  const target = BigInt(Math.floor(1.3e12 * (rank - 2) ** -1.6 * (0.9 + random.next() * 0.2)));
  const ceiling = previous - BigInt(random.int(1, 1000));
  const cap = target < ceiling ? target : ceiling;
  return cap > 0n ? cap : 0n;
}

/** Prices across the real range: five-digit majors down to sub-cent memecoins with 20 significant digits. */
function randomPrice(random: Random): Decimal {
  const tier = random.next();
  if (tier < 0.15) {
    const fraction = random.digits(random.int(12, 15));
    return decimal(BigInt(`${random.int(1000, 99_999)}${fraction}`), fraction.length);
  }
  if (tier < 0.6) {
    const fraction = random.digits(random.int(2, 10));
    return decimal(BigInt(`${random.int(1, 999)}${fraction}`), fraction.length);
  }
  const zeros = tier < 0.85 ? random.int(0, 3) : random.int(4, 9);
  const significant = `${random.int(1, 9)}${random.digits(random.int(tier < 0.85 ? 4 : 12, 17))}`;
  return decimal(BigInt(significant), zeros + significant.length);
}

/** Some supplies are memecoin-sized (above 2^53), which is realistic, not contrived. */
function randomSupply(random: Random): Decimal {
  if (random.chance(0.1)) return decimal(random.bigint(10n ** 17n, 10n ** 21n - 1n));
  const whole = random.int(1_000_000, 99_999_999_999);
  if (random.chance(0.5)) return decimal(BigInt(whole));
  const fraction = random.digits(random.int(1, 8));
  return decimal(BigInt(`${whole}${fraction}`), fraction.length);
}

/** A signed percentage within ±`max`, with CoinGecko's five decimals. */
function percent(random: Random, max: number): Decimal {
  const bound = BigInt(max) * 10n ** BigInt(PERCENT_SCALE);
  return decimal(random.bigint(-bound, bound), PERCENT_SCALE);
}

function roiJson(random: Random): string {
  const times = decimal(random.bigint(-999_999_999_999_999n, 99_999_999_999_999_999n), 15);
  const currency = random.pick(['usd', 'btc', 'eth']);
  return `{"times":${decimalText(times)},"currency":"${currency}","percentage":${decimalText(scaleBy(times, 100n, 1n))}}`;
}

function coinNames(random: Random, count: number): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  while (names.length < count) {
    const syllables = Array.from({ length: random.int(1, 3) }, () => random.pick(COIN_SYLLABLES)).join('');
    let name = `${syllables[0]?.toUpperCase()}${syllables.slice(1)}${random.pick(COIN_SUFFIXES)}`;
    for (let n = 2; seen.has(slug(name)); n += 1) name = `${name.replace(/ \d+$/, '')} ${n}`;
    seen.add(slug(name));
    names.push(name);
  }
  return names;
}

/** CoinGecko-style API id: `shiba inu` → `shiba-inu`. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
