/**
 * undici, loaded with the first request rather than with the package: it is
 * the largest module the engine uses, and a program that imports Siphon to
 * read a config or build a paginator should not wait for it.
 */
let loading: Promise<typeof import('undici')> | undefined;

export function loadUndici(): Promise<typeof import('undici')> {
  loading ??= import('undici');
  return loading;
}
