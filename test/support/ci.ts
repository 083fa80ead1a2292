/**
 * CI set to anything but an explicit no. Under CI a missing PostgreSQL or Radicale fails the run;
 * on a developer's machine their specs are skipped with one line.
 */
export const onCi = (): boolean =>
  !['', '0', 'false'].includes((process.env.CI ?? '').trim().toLowerCase());
