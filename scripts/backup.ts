import { runCommand, terminal } from '../src/cli/terminal';
import { backupCommand } from '../src/cli/backup.command';

runCommand(() => backupCommand(process.argv.slice(2), process.env, terminal));
