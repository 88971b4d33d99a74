import { type Decimal, decimal, decimalText, rescale, scaleBy } from './decimal.js';
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
  'id',
  'symbol',
  'name',
  'image',
  'current_price',
  'market_cap',
  'market_cap_rank',
  'fully_diluted_valuation',
  'total_volume',
  'high_24h',
  'low_24h',
  'price_change_24h',
  'price_change_percentage_24h',
  'market_cap_change_24h',
  'market_cap_change_percentage_24h',
  'circulating_supply',
  'total_supply',
  'max_supply',
  'ath',
  'ath_change_percentage',
  'ath_date',
  'atl',
  'atl_change_percentage',
  'atl_date',
  'roi',
  'last_updated',
] as const;

/** 2^53 + 1: the smallest positive integer a double cannot hold, always on the wire as coin #2's market cap. */
export const UNSAFE_MARKET_CAP = 9_007_199_254_740_993n;

/*
 * Magnitudes follow the reference SQL model an importer stores these coins in
 * (Django's `FullCoin`): market_cap, fully_diluted_valuation, total_volume and
 * market_cap_change_24h are int64 (`bigint`); prices and supplies are
 * decimal(20,2), at most 18 digits before the point; the 24 h and ATH
 * percentages are decimal(10,5), at most 5; atl_change_percentage is
 * decimal(20,5), at most 15. The values fit those columns for any seed and
 * count, while keeping more fractional digits than the columns do (an importer
 * must round) and a few integers above 2^53 (an importer must not use doubles).
 */

const PERCENT_SCALE = 5;
const HUNDRED_PERCENT = 100n * 10n ** BigInt(PERCENT_SCALE);
const TWO_POW_53 = 2n ** 53n;

/** Every run of this many coins by rank holds at least {@link GIANT_RANGES}.length giant int64 values. */
const GIANT_BLOCK = 500;
/** One giant per range per block: above 2^53, the biggest just under int64's 9.22e18. */
const GIANT_RANGES: readonly (readonly [bigint, bigint])[] = [
  [10n ** 18n, 9n * 10n ** 18n],
  [10n ** 17n, 10n ** 18n - 1n],
  [TWO_POW_53 + 1n, 10n ** 17n - 1n],
];
/** The top coin's market cap, in dollars (Bitcoin's neighbourhood). */
const TOP_MARKET_CAP: readonly [bigint, bigint] = [10n ** 12n, 2n * 10n ** 12n];
/** Memecoin circulating supplies; total (≤ 3×) and max (≤ 2× total) then stay below 10^18. */
const MEME_SUPPLY: readonly [bigint, bigint] = [10n ** 15n, 16n * 10n ** 16n];

type GiantField = 'volume' | 'valuation';

export function generateCoins(seed: number, count: number): DemoCoin[] {
  const random = createRandom(seed, 'coins');
  const names = coinNames(random, count);
  const giants = giantSlots(random, count);
  const coins: DemoCoin[] = [];
  let top = 0n;
  let previousCap = 0n;
  for (let rank = 1; rank <= count; rank += 1) {
    const marketCap = marketCapAt(random, rank, top, previousCap);
    if (rank === 1) top = marketCap;
    if (rank !== 2) previousCap = marketCap; // coin #2 is the one out-of-order giant
    const name = names[rank - 1] as string;
    coins.push({ id: slug(name), rank, json: coinJson(random, name, rank, marketCap, giants.get(rank)) });
  }
  return coins;
}

/**
 * Which ranks carry a giant volume or valuation, and how big: in every block
 * of {@link GIANT_BLOCK} ranks (and in a shorter last one) one coin per
 * {@link GIANT_RANGES} entry, never coin #2, which already has its giant cap.
 */
function giantSlots(random: Random, count: number): Map<number, { field: GiantField; value: bigint }> {
  const slots = new Map<number, { field: GiantField; value: bigint }>();
  for (let first = 1; first <= count; first += GIANT_BLOCK) {
    const last = Math.min(first + GIANT_BLOCK - 1, count);
    const room = last - first + 1 - (first <= 2 && last >= 2 ? 1 : 0);
    for (const [min, max] of GIANT_RANGES.slice(0, room)) {
      let rank = random.int(first, last);
      while (rank === 2 || slots.has(rank)) rank = random.int(first, last);
      slots.set(rank, { field: random.chance(0.5) ? 'volume' : 'valuation', value: random.bigint(min, max) });
    }
  }
  return slots;
}

function coinJson(random: Random, name: string, rank: number, marketCap: bigint, giant?: { field: GiantField; value: bigint }): string {
  const id = slug(name);
  const price = randomPrice(random);
  const priceChangePct = random.chance(0.04) ? null : percent(random, 20);
  const capChangePct = percent(random, 25);
  const circulating = randomSupply(random);
  const total = random.chance(0.05) ? null : scaleBy(circulating, BigInt(random.int(1000, 3000)), 1000n);
  const max = total === null || random.chance(0.4) ? null : scaleBy(total, BigInt(random.int(1000, 2000)), 1000n);
  const valuation =
    giant?.field === 'valuation' ? giant.value : random.chance(0.15) ? null : (marketCap * BigInt(random.int(100, 400))) / 100n;
  const volume = giant?.field === 'volume' ? giant.value : (marketCap * BigInt(random.int(1, 60))) / 100n + BigInt(random.int(0, 999));
  // Whole dollars, except that CoinGecko sends about one in ten as a float with a fraction.
  const capChange = (marketCap * capChangePct.units) / HUNDRED_PERCENT;
  const capChangeText = random.chance(0.1) ? decimalText(withFraction(random, capChange, capChangePct.units < 0n)) : capChange.toString();
  const athFactor = BigInt(random.int(1000, 40_000));
  // Mostly up to 1,000× the all-time low, sometimes memecoin-like up to 1,000,000×.
  const atlFactor = random.chance(0.2) ? random.bigint(1_000_000n, 1_000_000_000n) : BigInt(random.int(1000, 1_000_000));
  const fine = rescale(price, price.scale + 6); // so tiny prices keep digits when divided
  const fields: Record<(typeof COIN_FIELDS)[number], string> = {
    id: JSON.stringify(id),
    symbol: JSON.stringify(id.replace(/[^a-z]/g, '').slice(0, random.int(3, 5))),
    name: JSON.stringify(name),
    image: JSON.stringify(
      `https://coin-images.coingecko.com/coins/images/${random.int(1, 40_000)}/large/${id}.png?${random.int(1_600_000_000, 1_710_000_000)}`,
    ),
    current_price: decimalText(price),
    market_cap: marketCap.toString(),
    market_cap_rank: String(rank),
    fully_diluted_valuation: valuation === null ? 'null' : valuation.toString(),
    total_volume: volume.toString(),
    high_24h: decimalText(scaleBy(price, BigInt(random.int(1000, 1080)), 1000n)),
    low_24h: decimalText(scaleBy(price, BigInt(random.int(900, 1000)), 1000n)),
    price_change_24h: priceChangePct === null ? 'null' : decimalText(scaleBy(fine, priceChangePct.units, HUNDRED_PERCENT)),
    price_change_percentage_24h: priceChangePct === null ? 'null' : decimalText(priceChangePct),
    market_cap_change_24h: capChangeText,
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

/**
 * Realistic caps, strictly decreasing by rank from a top coin of $1–2 trillion
 * (about $50k at rank 100,000), except coin #2: the deliberately unsafe 2^53 + 1.
 */
function marketCapAt(random: Random, rank: number, top: bigint, previous: bigint): bigint {
  if (rank === 1) return random.bigint(...TOP_MARKET_CAP);
  if (rank === 2) return UNSAFE_MARKET_CAP;
  const target = BigInt(Math.floor(Number(top) * (rank - 1) ** -1.5 * (0.85 + random.next() * 0.3)));
  // A step of at most a millionth keeps the long tail from running down to zero.
  const ceiling = previous - 1n - (previous * BigInt(random.int(0, 999))) / 1_000_000_000n;
  const cap = target < ceiling ? target : ceiling;
  return cap > 0n ? cap : 0n;
}

/** `whole` plus a fraction of one to six digits, away from zero when `negative` (e.g. -1234567890.287121). */
function withFraction(random: Random, whole: bigint, negative: boolean): Decimal {
  const digits = random.int(1, 6);
  const fraction = BigInt(`${random.digits(digits - 1)}${random.int(1, 9)}`);
  const units = whole * 10n ** BigInt(digits);
  return decimal(negative ? units - fraction : units + fraction, digits);
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

/**
 * Mostly millions to billions of tokens; one in ten is memecoin-sized, up to
 * 1.6e17 and mostly above 2^53 (realistic, not contrived). Most carry 2–20
 * fractional digits, more than decimal(20,2) keeps.
 */
function randomSupply(random: Random): Decimal {
  const whole = random.chance(0.1) ? random.bigint(...MEME_SUPPLY) : BigInt(random.int(1_000_000, 99_999_999_999));
  if (random.chance(0.3)) return decimal(whole);
  const fraction = random.digits(random.int(2, 20));
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
  const nextNumber = new Map<string, number>();
  const names: string[] = [];
  while (names.length < count) {
    const syllables = Array.from({ length: random.int(1, 3) }, () => random.pick(COIN_SYLLABLES)).join('');
    const base = `${syllables[0]?.toUpperCase()}${syllables.slice(1)}${random.pick(COIN_SUFFIXES)}`;
    let name = base;
    if (seen.has(slug(base))) {
      // The first free `base n`; every number below `next` is already taken.
      let n = nextNumber.get(base) ?? 2;
      while (seen.has(slug(`${base} ${n}`))) n += 1;
      nextNumber.set(base, n + 1);
      name = `${base} ${n}`;
    }
    seen.add(slug(name));
    names.push(name);
  }
  return names;
}

/** CoinGecko-style API id: `shiba inu` → `shiba-inu`. */
function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
