/**
 * A small seeded PRNG (mulberry32). The demo API must give byte-identical
 * data for a seed on every machine and Node version, which `Math.random`
 * cannot promise.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `count` random decimal digits (leading zeros allowed). */
  digits(count: number): string;
  /** A bigint in [min, max], both inclusive; for values a double cannot hold. */
  bigint(min: bigint, max: bigint): bigint;
}

/**
 * A generator for `seed`, independent per `stream`: each dataset draws from
 * its own stream so that resizing one (more coins) never reshuffles another
 * (users), and traffic-driven draws (faults, latency) never touch the data.
 */
export function createRandom(seed: number, stream = ''): Random {
  let state = mixSeed(seed, stream);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    digits(count) {
      let out = '';
      for (let i = 0; i < count; i += 1) out += String(int(0, 9));
      return out;
    },
    bigint(min, max) {
      const span = max - min + 1n;
      // Enough random digits to make the modulo bias negligible.
      const width = span.toString().length + 6;
      let value = 0n;
      for (let i = 0; i < width; i += 1) value = value * 10n + BigInt(int(0, 9));
      return min + (value % span);
    },
  };
}

/** Folds any safe-integer seed and a stream name into mulberry32's 32-bit state. */
function mixSeed(seed: number, stream: string): number {
  let hash = 0x811c9dc5; // FNV-1a over the stream name
  for (let i = 0; i < stream.length; i += 1) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  let mixed = hash ^ Math.imul(low, 0x9e3779b1) ^ Math.imul(high ^ 0x5bd1e995, 0x85ebca6b);
  // A murmur3 finalizer so nearby seeds start far apart.
  mixed ^= mixed >>> 16;
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return mixed | 0;
}
