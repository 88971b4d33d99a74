/** A value JSON can carry; the vocabulary shared by the paginators, checkpoints and the store. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };
