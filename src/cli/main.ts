import { Command } from 'commander';
import { checkCommand } from './commands/check.js';
import { demoApiCommand } from './commands/demo-api.js';
import { exportCommand } from './commands/export.js';
import { quickstartCommand } from './commands/quickstart.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { startCommand } from './commands/start.js';
import { workerCommand } from './commands/worker.js';
import { packageVersion } from './version.js';

/** Builds the `siphon` command line; exported for tests. */
export function createProgram(): Command {
  const program = new Command('siphon')
    .description('Keep SQL tables in step with paginated REST APIs.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError();
  program.addCommand(runCommand());
  program.addCommand(startCommand());
  program.addCommand(workerCommand());
  program.addCommand(checkCommand());
  program.addCommand(exportCommand());
  program.addCommand(reportCommand());
  program.addCommand(runsCommand());
  program.addCommand(demoApiCommand());
  program.addCommand(quickstartCommand());
  return program;
}

/** Entry point of the `siphon` binary. */
export async function main(argv: readonly string[]): Promise<void> {
  await createProgram().parseAsync([...argv]);
}
