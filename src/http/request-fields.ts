import * as z from 'zod';
import { expected } from '../util/describe-value.js';
import { checkedString, headerName } from '../util/option-fields.js';
import type { QueryParams } from './types.js';

/*
 * The schemas of a request's headers and query parameters, shared by the
 * client, the walk and the config file, so each is checked (and reported)
 * the same way wherever it is written.
 */

// CR, LF or NUL in a value would smuggle extra headers into the request.
const headerValue = checkedString('a header value (a string)', (v) =>
  /[\r\n\0]/.test(v) ? 'must not contain line breaks or NUL characters' : undefined,
);

/** Headers by name: RFC 9110 names, values without line breaks. */
export const headersSchema = z.record(headerName, headerValue);

const queryItem = z.union([z.string(), z.number(), z.boolean()]);
// Flat, not `queryItem` nested: a value of no branch's type is then reported
// with this message, not the nested union's. bigint and undefined are for
// code; a config file never holds them.
const queryValue = z.union([z.string(), z.number(), z.boolean(), z.bigint(), z.null(), z.undefined(), z.array(queryItem)], {
  error: (issue) => expected('a string, number, boolean, null or a list of them', issue.input),
});

/** Query parameters by name: scalars or lists of them, never nested objects (which would be sent as "[object Object]"). */
export const queryParamsSchema = z.record(z.string(), queryValue) as unknown as z.ZodType<QueryParams>;
