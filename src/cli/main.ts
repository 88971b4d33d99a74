import { Command } from 'commander';
import { demoApiCommand } from './commands/demo-api.js';
import { packageVersion } from './version.js';

/** Builds the `siphon` command line; exported for tests. */
export function createProgram(): Command {
  const program = new Command('siphon')
    .description('Keep SQL tables in step with paginated REST APIs.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError();
  program.addCommand(demoApiCommand());
  return program;
}

/** Entry point of the `siphon` binary. */
export async function main(argv: readonly string[]): Promise<void> {
  await createProgram().parseAsync([...argv]);
}
