import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Placeholder for the n-th (1-based) parameter of a raw statement: `$n` on PostgreSQL, `?` on
 * SQLite. Hot-path statements are written raw because TypeORM's query builder costs more CPU per
 * request than the statement itself.
 */
export function placeholder(manager: EntityManager): (n: number) => string {
  return manager.connection.options.type === 'postgres' ? (n) => `$${n}` : () => '?';
}

/** A raw row as an entity, through TypeORM's own column hydration (booleans, dates). */
export function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = manager.connection.getMetadata(target);
  const driver = manager.connection.driver;
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    column.setEntityValue(
      entity,
      driver.prepareHydratedValue(row[column.databaseName] ?? null, column),
    );
  }
  return entity;
}
