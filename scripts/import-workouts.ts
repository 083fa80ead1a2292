import { runCommand, terminal } from '../src/cli/terminal';
import { importCommand } from '../src/cli/import.command';

runCommand(() => importCommand(process.argv.slice(2), terminal));
