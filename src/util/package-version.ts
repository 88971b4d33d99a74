import { readFileSync } from 'node:fs';

/** The version in package.json, read at run time so the build needs no JSON import. */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as { version?: string };
  return parsed.version ?? '0.0.0';
}
