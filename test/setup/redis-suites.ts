import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tests = join(root, 'test');

/**
 * The test files that skip without Redis: those declaring a suite with
 * `describeWithRedis` (test/helpers/redis.ts). Read from the sources so the
 * notice names exactly the suites that skip.
 */
export async function redisSuites(): Promise<string[]> {
  const files = (await readdir(tests, { recursive: true })).filter((file) => file.endsWith('.test.ts'));
  const marked: string[] = [];
  for (const file of files.sort()) {
    const text = await readFile(join(tests, file), 'utf8');
    if (text.includes('describeWithRedis(')) marked.push(relative(root, join(tests, file)).split('\\').join('/'));
  }
  return marked;
}
