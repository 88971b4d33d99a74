// Runs the CLI from the sources, so tests drive a real `siphon` process
// (signals, exit codes, stdout) without depending on a build.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
