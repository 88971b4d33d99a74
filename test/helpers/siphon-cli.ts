// Runs the CLI from the sources, so tests drive a real `siphon` process
// (signals, exit codes, stdout) without depending on a build.
import { main } from '../../src/cli/main.js';

main(process.argv).catch((error: unknown) => {
  process.stderr.write(`siphon: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
