import { runCommand, terminal } from '../src/cli/terminal';
import { userCommand } from '../src/cli/user.command';

runCommand(() => userCommand(process.argv.slice(2), terminal));
