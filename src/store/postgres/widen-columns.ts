import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { ColumnType } from '../column-type.js';
import type { SiphonTables } from '../siphon-tables.js';
import type { TableShape } from '../store-dialect.js';

/**
 * Retypes columns in place with one `ALTER TABLE … ALTER COLUMN … TYPE …
 * USING …` (one table rewrite however many columns change). Every cast is
 * exact: integers to `numeric` or `text` keep their digits, `boolean::text`
 * is `true`/`false` as Siphon writes booleans to text, and `to_jsonb` turns
 * a number into a JSON number with the same digits and text into a JSON string.
 */
export async function widenPostgresColumns(
  db: Kysely<SiphonTables>,
  table: string,
  shape: TableShape,
  retype: ReadonlyMap<string, ColumnType>,
  sqlType: (type: ColumnType) => string,
): Promise<void> {
  const changes: RawBuilder<unknown>[] = [];
  for (const column of shape.columns) {
    const to = retype.get(column.name);
    if (!to) continue;
    const name = sql.id(column.name);
    const using = to.kind === 'json' ? sql`to_jsonb(${name})` : sql`${name}::${sql.raw(sqlType(to))}`;
    changes.push(sql`ALTER COLUMN ${name} TYPE ${sql.raw(sqlType(to))} USING ${using}`);
  }
  if (changes.length > 0) await sql`ALTER TABLE ${sql.id(table)} ${sql.join(changes)}`.execute(db);
}
