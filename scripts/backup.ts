import { runCommand, terminal } from '../src/cli/cli';
import { runBackupCli } from '../src/backup/backup-cli';

runCommand(() => runBackupCli(process.argv.slice(2), process.env, terminal));
