import * as z from 'zod';
import { didYouMean } from './did-you-mean.js';

/**
 * The schemas of an option set's keys, one per key of `T` (a key missing or
 * added fails to compile), so a schema and the documented interface beside
 * it cannot drift apart.
 */
export type OptionShape<T> = { readonly [K in keyof Required<T>]: z.ZodType<T[K]> };

/** The message for an unknown key, given the key and the keys the object takes. */
export type UnknownKeyMessage = (key: string, validKeys: readonly string[]) => string;

/** `unknown key (did you mean "name"?)`, or the valid keys when nothing is close. */
export const unknownKey: UnknownKeyMessage = (key, valid) => {
  const hint = didYouMean(key, valid);
  return `unknown key${hint}${hint === '' && valid.length > 0 ? `; valid keys: ${valid.join(', ')}` : ''}`;
};

/**
 * An object schema that rejects unknown keys with one issue per key, at the
 * key's own path and with a message built where the valid keys are known
 * (`unknown option "limt" for the offset paginator (did you mean "limit"?)`).
 * zod's strict objects report all unknown keys in one issue whose message
 * cannot say that. The check runs even when other keys have problems, so a
 * misspelt key and the required key it was meant to be are reported together.
 */
export function strictOptions<const Shape extends z.ZodRawShape>(shape: Shape, message: UnknownKeyMessage = unknownKey) {
  const valid = Object.keys(shape);
  return z.looseObject(shape).superRefine(
    (value, ctx) => {
      for (const [key, item] of Object.entries(value)) {
        // An undefined value is an absent key, as for the declared ones.
        if (item !== undefined && !Object.hasOwn(shape, key))
          ctx.addIssue({ code: 'custom', path: [key], message: message(key, valid), input: item });
      }
    },
    { when: (payload) => isObject(payload.value) },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
