import * as z from 'zod';
import { ConfigError } from '../../errors/config-error.js';
import { expected } from '../../util/describe-value.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { HTTP_TOKEN } from '../../util/option-fields.js';
import { parseOptions } from '../../util/option-issues.js';
import { strictOptions } from '../../util/strict-options.js';

/*
 * Field schemas shared by the auth kinds. Configs usually come from a YAML
 * or JSON file, so the static types promise nothing at runtime: each kind
 * checks its config with its schema, and a bad field names its exact path.
 */

// CR, LF and NUL would let a value smuggle extra headers; `Headers` rejects
// them late with a message that names neither the field nor the config path.
const UNSAFE_HEADER_VALUE = /[\r\n\0]/;

/** A string that must be present and, unless `allowEmpty`, not blank. */
export function requiredString(options: { allowEmpty?: boolean } = {}) {
  return z
    .string({ error: (issue) => expected('a string', issue.input) })
    .refine((value) => options.allowEmpty || value.trim() !== '', 'is required and must not be empty');
}

/** A string that may be absent; `null` and `''` count as absent (a YAML key left empty). */
export const optionalString = z.preprocess(
  (value) => (value === null || value === '' ? undefined : value),
  z.string({ error: (issue) => expected('a string', issue.input) }).optional(),
);

/** One of `choices`, or absent (`null` included). */
export function optionalChoice<const T extends readonly [string, ...string[]]>(choices: T) {
  return z.preprocess(
    (value) => (value === null ? undefined : value),
    z
      .enum(choices, {
        error: (issue) =>
          `${expected(`one of ${choices.map((c) => `"${c}"`).join(', ')}`, issue.input)}${typeof issue.input === 'string' ? didYouMean(issue.input, choices) : ''}`,
      })
      .optional(),
  );
}

/** A problem of a value that travels in a header, or `undefined`. */
export function headerValueProblem(value: string): string | undefined {
  return UNSAFE_HEADER_VALUE.test(value) ? 'must not contain line breaks or NUL characters (it is sent in a header)' : undefined;
}

/** A problem of a header name or an auth scheme, or `undefined`. */
export function httpTokenProblem(value: string): string | undefined {
  return HTTP_TOKEN.test(value) ? undefined : `"${value}" is not a valid HTTP token (letters, digits and !#$%&'*+.^_\`|~- only)`;
}

/** A required secret sent in a header (`Authorization: Bearer <token>`). */
export const headerSecret = requiredString().superRefine((value, ctx) => {
  const problem = headerValueProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * The option schema of one auth kind: `type` and `shape`, every other key an
 * error that names the kind and its valid options.
 */
export function authOptions<const Type extends string, const Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return strictOptions(
    { type: z.literal(type), ...shape },
    (key, valid) => `unknown option for ${type} auth${didYouMean(key, valid)}; valid options: ${valid.join(', ')}`,
  );
}

/** `config` checked by `schema`, or a {@link ConfigError} naming the first problem under `path`. */
export function checkedAuthConfig<T>(schema: z.ZodType<T>, config: unknown, path: string): T {
  const parsed = parseOptions(schema, config);
  if (parsed.issues !== undefined) throw ConfigError.fromIssue(path, parsed.issues[0] as (typeof parsed.issues)[number]);
  return parsed.data;
}
