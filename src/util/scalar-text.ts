/**
 * Strings as they are, and the digits of a `LosslessNumber` (bodies parsed
 * with lossless-json keep big integers and long decimals that way), so a
 * 64-bit cursor, a total or a value in a message is never rounded through a
 * double. `undefined` for anything else.
 */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (
    value !== null &&
    typeof value === 'object' &&
    (value as { isLosslessNumber?: unknown }).isLosslessNumber === true &&
    typeof (value as { value?: unknown }).value === 'string'
  ) {
    return (value as { value: string }).value;
  }
  return undefined;
}
