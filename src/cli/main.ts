import { Command, CommanderError } from 'commander';
import { packageVersion } from '../util/package-version.js';
import { adminCommand } from './commands/admin.js';
import { checkCommand } from './commands/check.js';
import { demoApiCommand } from './commands/demo-api.js';
import { exportCommand } from './commands/export.js';
import { initCommand } from './commands/init.js';
import { quickstartCommand } from './commands/quickstart.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { startCommand } from './commands/start.js';
import { stateCommand } from './commands/state.js';
import { workerCommand } from './commands/worker.js';
import { environmentHelp } from './environment.js';
import { ExitCode, exitCodeFor } from './exit-code.js';
import { addLogOptions, configureLogs } from './log-settings.js';

/** Builds the `siphon` command line; exported for tests. */
export function createProgram(): Command {
  const program = new Command('siphon')
    .description('Keep SQL tables in step with paginated REST APIs.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', environmentHelp);
  addLogOptions(program);
  // Before any command runs: its log (and only a command that logs loads pino) reads the settings.
  program.hook('preAction', (root) => void configureLogs(root.opts()));
  program.addCommand(runCommand());
  program.addCommand(startCommand());
  program.addCommand(workerCommand());
  program.addCommand(adminCommand());
  program.addCommand(checkCommand());
  program.addCommand(exportCommand());
  program.addCommand(reportCommand());
  program.addCommand(runsCommand());
  program.addCommand(stateCommand());
  program.addCommand(demoApiCommand());
  program.addCommand(quickstartCommand());
  program.addCommand(initCommand());
  // Each command's --help lists the log options it takes too.
  for (const command of program.commands) command.configureHelp({ ...command.configureHelp(), showGlobalOptions: true });
  return program;
}

/**
 * Entry point of the `siphon` binary: runs the command and resolves to the
 * exit code (see {@link ExitCode}); an error ends as one line on stderr, not
 * a stack trace.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  // Commander would call process.exit itself; its usage errors become exit code 2 here instead.
  const override = (command: Command): void => {
    command.exitOverride();
    for (const sub of command.commands) override(sub);
  };
  override(program);
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    // Commander has printed its own message (or the help) already.
    if (!(error instanceof CommanderError)) {
      process.stderr.write(`siphon: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return exitCodeFor(error);
  }
}
