import { runCommand, terminal } from '../src/cli/cli';
import { userCommand } from '../src/users/user-cli';

runCommand(() => userCommand(process.argv.slice(2), terminal));
