/** A backup could not be made or is not trustworthy; the message says why, for an operator. */
export class BackupError extends Error {}

/** A PostgreSQL client tool (pg_dump, pg_restore) is not on PATH. */
export class MissingToolError extends BackupError {
  constructor(readonly tool: string) {
    super(
      `${tool} is not installed (not on PATH). Install the PostgreSQL client tools of your ` +
        `server's major version, e.g. apt-get install postgresql-client-15.`,
    );
  }
}

/** Another process (the server's schedule or `npm run backup`) is taking a backup. */
export class BackupBusyError extends BackupError {}
