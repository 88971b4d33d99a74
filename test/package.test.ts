import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

// `npm test` builds first (pretest), so these check the package as users get it.
describe('the installed package', () => {
  it('`npx siphon --help` lists the commands', async () => {
    const { stdout } = await run('npx', ['--no-install', 'siphon', '--help'], { cwd: root });
    expect(stdout).toContain('Usage: siphon');
    expect(stdout).toContain('demo-api');
  });

  it("`import { paginate } from 'siphon'` resolves through the package's exports", async () => {
    const script = "import { paginate, HttpClient } from 'siphon'; console.log(typeof paginate, typeof HttpClient);";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(stdout.trim()).toBe('function function');
  });
});
