import { LosslessNumber } from 'siphon-sync';

/** A JSON number literal split into parts; `undefined` for anything else. */
function parts(text: string): { negative: boolean; digits: string; scale: number; exponent: number } | undefined {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  return { negative: sign === '-', digits: `${whole}${fraction}`, scale: fraction.length - Number(exponent), exponent: Number(exponent) };
}

/**
 * A number's value, canonical, computed without a double: `1e400` and
 * `1000…0` compare equal, `1.50` and `1.5` too, `-0` is `0`. Accepts a
 * number, bigint, `LosslessNumber` or digit string.
 */
export function numberValue(value: unknown): string {
  const text = value instanceof LosslessNumber ? value.value : String(value);
  const split = parts(text);
  if (!split) return `not a number: ${text}`;
  const digits = split.digits.replace(/^0+/, '');
  if (digits === '') return '0';
  const trimmed = digits.replace(/0+$/, '');
  return `${split.negative ? '-' : ''}${trimmed}e${-(split.scale - (digits.length - trimmed.length))}`;
}

/** The exponent written in a JSON number literal (`0` without one). */
export function literalExponent(text: string): number {
  return parts(text)?.exponent ?? 0;
}

/** The literal rounded half away from zero to an integer, exactly. */
export function roundedInteger(text: string): bigint {
  const split = parts(text);
  if (!split) throw new Error(`not a number: ${text}`);
  const coefficient = BigInt(split.digits === '' ? '0' : split.digits);
  let magnitude: bigint;
  if (split.scale <= 0) magnitude = coefficient * 10n ** BigInt(-split.scale);
  else {
    const unit = 10n ** BigInt(split.scale);
    magnitude = coefficient / unit + ((coefficient % unit) * 2n >= unit ? 1n : 0n);
  }
  return split.negative ? -magnitude : magnitude;
}

/** Whether the literal's value has a nonzero fraction (`2.5`, not `2.50e1`). */
export function hasFraction(text: string): boolean {
  const split = parts(text);
  if (!split || split.scale <= 0) return false;
  return BigInt(split.digits === '' ? '0' : split.digits) % 10n ** BigInt(split.scale) !== 0n;
}
