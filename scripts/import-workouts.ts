import { runCommand, terminal } from '../src/cli/cli';
import { importCommand } from '../src/workout-import/import-cli';

runCommand(() => importCommand(process.argv.slice(2), terminal));
