/**
 * Exact decimals as `units / 10^scale` bigints. Coin prices and supplies are
 * built and written with these so the digits on the wire are exactly the
 * intended ones; no value the tests check ever passes through a double.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

export function decimal(units: bigint, scale = 0): Decimal {
  return { units, scale };
}

/** Parses a plain decimal literal such as `-0.000123` or `42`. */
export function parseDecimal(text: string): Decimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new SyntaxError(`not a plain decimal: ${text}`);
  const fraction = match[3] ?? '';
  return { units: BigInt(`${match[1]}${match[2]}${fraction}`), scale: fraction.length };
}

/** JSON number text: trailing fractional zeros dropped, never `-0`. */
export function decimalText(value: Decimal): string {
  const negative = value.units < 0n;
  let digits = (negative ? -value.units : value.units).toString();
  if (value.scale > 0) digits = digits.padStart(value.scale + 1, '0');
  const cut = digits.length - value.scale;
  const whole = digits.slice(0, cut);
  const fraction = digits.slice(cut).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== '0' ? `-${text}` : text;
}

/** `value × numerator / denominator`, truncated at `value`'s scale. */
export function scaleBy(value: Decimal, numerator: bigint, denominator: bigint): Decimal {
  return { units: (value.units * numerator) / denominator, scale: value.scale };
}

/** Re-expresses `value` with `scale` fractional digits (truncating when fewer). */
export function rescale(value: Decimal, scale: number): Decimal {
  if (scale === value.scale) return value;
  if (scale > value.scale) return { units: value.units * 10n ** BigInt(scale - value.scale), scale };
  return { units: value.units / 10n ** BigInt(value.scale - scale), scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale).units - rescale(b, scale).units, scale };
}
