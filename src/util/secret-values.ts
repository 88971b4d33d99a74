/**
 * Values that must never be shown, in every encoding they travel in: raw,
 * URL-encoded (as a path or query value) and base64 (as in HTTP Basic). A
 * server echoing a credential echoes it in the form it received, so each form
 * is masked, not only the raw text.
 */
export class SecretValues {
  readonly #values: readonly string[];
  readonly #forms: readonly string[];

  constructor(values: Iterable<string> = []) {
    this.#values = [...new Set([...values].filter((value) => value !== ''))];
    const forms = new Set<string>();
    for (const value of this.#values) {
      // Masking a two-letter value everywhere would shred every message; such a
      // value is still kept off other origins by `occursIn`.
      if (value.length < MIN_MASKED) continue;
      forms.add(value);
      forms.add(encodeURIComponent(value));
      forms.add(new URLSearchParams({ v: value }).toString().slice(2));
      const base64 = Buffer.from(value, 'utf8').toString('base64');
      forms.add(base64);
      forms.add(base64.replace(/=+$/, ''));
      forms.add(Buffer.from(value, 'utf8').toString('base64url'));
    }
    // Longest first, so a value containing another is masked whole.
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#values.length;
  }

  /** Whether `text` carries any of the values (as is or URL-decoded). */
  occursIn(text: string): boolean {
    if (this.#values.length === 0) return false;
    let decoded = text;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      // Not percent-encoded text: the raw comparison is the one that counts.
    }
    return this.#values.some((value) => text.includes(value) || decoded.includes(value));
  }

  /** `text` with every form of every value replaced by `***`. */
  mask(text: string): string {
    let out = text;
    for (const form of this.#forms) out = out.replaceAll(form, '***');
    return out;
  }

  /** A new set holding these values and `more`. */
  with(more: Iterable<string>): SecretValues {
    return new SecretValues([...this.#values, ...more]);
  }
}

const MIN_MASKED = 4;
