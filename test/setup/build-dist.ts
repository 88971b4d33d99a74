import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Vitest global setup, after services.ts: `npm test` builds dist/ here rather
 * than in a `pretest` script, so a missing service fails the run in seconds,
 * not after the build. The CLI and package suites run the built package.
 * A plain `npx vitest run` does not build, as before.
 */
export default async function buildDist(): Promise<void> {
  if (process.env.npm_lifecycle_event !== 'test') return;
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the build (tsc -p tsconfig.build.json) failed:\n${stdout}${stderr}`);
  }
}
