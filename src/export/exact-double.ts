/**
 * The double that round-trips decimal `text` — whose shortest spelling has the
 * same digits — or `undefined` when none does: `0.1` and `12.30` qualify,
 * `123456789012345678.9` (→ `…680`) does not. Compared by value, so trailing
 * zeros and exponent notation (`1e-7`) do not matter. `-0` comes back as `0`.
 */
export function exactDouble(text: string): number | undefined {
  // Fast path for the usual digit string: compare spellings directly.
  if (PLAIN_DECIMAL.test(text)) {
    const value = Number(text);
    const back = String(value);
    if (!back.includes('e')) return plainCanonical(text) === back ? value + 0 : undefined;
  }
  const source = decompose(text);
  if (!source) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  // String(number) is the shortest text that reads back as the same double,
  // so equal values mean the double loses none of the digits written.
  const back = decompose(String(value));
  if (!back) return undefined;
  if (back.negative !== source.negative || back.digits !== source.digits || back.exponent !== source.exponent) return undefined;
  return value + 0;
}

const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** Plain decimal `text` as JavaScript spells its value: no trailing fraction zeros, no leading zeros, no `-0`. */
function plainCanonical(text: string): string {
  let canonical = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  canonical = canonical.replace(/^(-?)0+(?=\d)/, '$1');
  return canonical === '-0' ? '0' : canonical;
}

/** A decimal as `±digits × 10^exponent`, without leading or trailing zeros; zero is `digits: ''`. */
interface Decomposed {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function decompose(text: string): Decomposed | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';
  if (whole === '' && fraction === '') return undefined;
  const significant = (whole + fraction).replace(/^0+/, '');
  const digits = significant.replace(/0+$/, '');
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  const exponent = Number(match[4] ?? 0) - fraction.length + (significant.length - digits.length);
  return { negative: match[1] === '-', digits, exponent };
}
