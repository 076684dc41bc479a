// The seed schema, exactly: our drizzle migrations must produce, table by table, the same columns, types,
// defaults, constraints, indexes and sequences as the seed's own SQL (test/fixtures/seed-schema). What the
// product adds beside the seed (tables, later nullable columns, other indexes) is allowed; any difference in
// what the seed defines is not.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createScratchDatabase, withClient, type ScratchDatabase } from '../../test/support/postgres.js';
import { MigrationError, migrateDatabase, type DatabaseName } from './migrate.js';

const config = loadConfig();
const migrationCount = (database: DatabaseName) =>
  (
    JSON.parse(
      readFileSync(new URL(`../../drizzle/${database}/meta/_journal.json`, import.meta.url), 'utf8'),
    ) as { entries: unknown[] }
  ).entries.length;
const seedSql = (database: DatabaseName) =>
  readFileSync(new URL(`../../test/fixtures/seed-schema/${database}.sql`, import.meta.url), 'utf8');

interface TableShape {
  /** In ordinal order, so a reordered column shows as a difference. */
  columns: Record<string, unknown>[];
  constraints: Record<string, string>;
  indexes: Record<string, string>;
  sequences: Record<string, string>;
}

/** Every table of the public schema as the catalog describes it, comparable across databases. */
async function describeSchema(client: pg.Client): Promise<Record<string, TableShape>> {
  const tables = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const shapes: Record<string, TableShape> = {};
  for (const { table_name } of tables.rows) {
    shapes[table_name] = { columns: [], constraints: {}, indexes: {}, sequences: {} };
  }
  const shapeOf = (table: string): TableShape => {
    const shape = shapes[table];
    if (!shape) throw new Error(`catalog row for unknown table ${table}`);
    return shape;
  };

  const columns = await client.query<{ table_name: string } & Record<string, unknown>>(
    `SELECT table_name, column_name, ordinal_position, data_type, udt_name, character_maximum_length,
            numeric_precision, numeric_scale, datetime_precision, is_nullable, column_default, is_identity,
            collation_name
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  for (const { table_name, ...column } of columns.rows) shapeOf(table_name).columns.push(column);

  const constraints = await client.query<{ table_name: string; conname: string; definition: string }>(
    `SELECT rel.relname AS table_name, con.conname,
            con.contype::text || ' ' || pg_get_constraintdef(con.oid) AS definition
       FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
       JOIN pg_namespace ns ON ns.oid = rel.relnamespace WHERE ns.nspname = 'public'`,
  );
  for (const row of constraints.rows) shapeOf(row.table_name).constraints[row.conname] = row.definition;

  // pg_get_indexdef names the schema (public in both) but never the database, so it compares as it is.
  const indexes = await client.query<{ tablename: string; indexname: string; indexdef: string }>(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
  );
  for (const row of indexes.rows) shapeOf(row.tablename).indexes[row.indexname] = row.indexdef;

  // The sequences behind SERIAL columns: type and range, and which column owns them.
  const sequences = await client.query<{ table_name: string; sequence: string; definition: string }>(
    `SELECT tbl.relname AS table_name, seq.relname AS sequence,
            format('%s owned by %s, start %s, increment %s, min %s, max %s, cycle %s',
                   format_type(s.seqtypid, NULL), att.attname, s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                   s.seqcycle) AS definition
       FROM pg_sequence s JOIN pg_class seq ON seq.oid = s.seqrelid
       JOIN pg_namespace ns ON ns.oid = seq.relnamespace
       JOIN pg_depend dep ON dep.objid = seq.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'a'
       JOIN pg_class tbl ON tbl.oid = dep.refobjid
       JOIN pg_attribute att ON att.attrelid = tbl.oid AND att.attnum = dep.refobjsubid
      WHERE ns.nspname = 'public'`,
  );
  for (const row of sequences.rows) shapeOf(row.table_name).sequences[row.sequence] = row.definition;

  return shapes;
}

/**
 * What `actual` holds of each seed table: its first columns (as many as the seed has, in order) and the
 * constraints, indexes and sequences the seed names. Equal to the seed when the seed is kept exactly; what the
 * product adds beside it (later columns, other indexes) is left out here and checked by `additionsOf`.
 */
function seedTablesOf(seed: Record<string, TableShape>, actual: Record<string, TableShape>) {
  const pick = (names: Record<string, string>, from: Record<string, string> | undefined) =>
    Object.fromEntries(Object.keys(names).map((name) => [name, from?.[name]]));
  return Object.fromEntries(
    Object.entries(seed).map(([table, shape]) => {
      const mine = actual[table];
      return [
        table,
        {
          columns: mine?.columns.slice(0, shape.columns.length),
          constraints: pick(shape.constraints, mine?.constraints),
          indexes: pick(shape.indexes, mine?.indexes),
          sequences: pick(shape.sequences, mine?.sequences),
        },
      ];
    }),
  );
}

/** Columns added to seed tables: each must be nullable or defaulted, so the seed's own inserts still work. */
function additionsOf(seed: Record<string, TableShape>, actual: Record<string, TableShape>) {
  return Object.entries(seed).flatMap(([table, shape]) =>
    (actual[table]?.columns.slice(shape.columns.length) ?? []).map((column) => ({
      column: `${table}.${String(column.column_name)}`,
      insertableWithoutIt: column.is_nullable === 'YES' || column.column_default !== null,
    })),
  );
}

const expectedTables: Record<DatabaseName, string[]> = {
  twin: ['anomaly_history', 'machine_configurations', 'state_snapshots'],
  analytics: [
    'alerts',
    'anomaly_records',
    'maintenance_reports',
    'ml_models',
    'notification_logs',
    'performance_metrics',
  ],
};

/** Whether `url` names a reachable database that `twin migrate` has run against. */
async function isMigrated(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const found = await client.query(`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS yes`);
    return (found.rows[0] as { yes: boolean } | undefined)?.yes === true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe.each<DatabaseName>(['twin', 'analytics'])('the %s database', (database) => {
  const scratch: ScratchDatabase[] = [];
  let seed: Record<string, TableShape> | undefined;

  afterAll(async () => {
    await Promise.all(scratch.map((db) => db.drop()));
  });

  /** The seed SQL applied to a fresh database, described; built once per database. */
  async function seedReference(): Promise<Record<string, TableShape>> {
    if (seed) return seed;
    const db = await createScratchDatabase(`seed_${database}`);
    scratch.push(db);
    seed = await withClient(db.url, async (client) => {
      await client.query(seedSql(database));
      return describeSchema(client);
    });
    expect(Object.keys(seed)).toEqual(expectedTables[database]);
    return seed;
  }

  it('after migrating (twice), holds every seed table exactly as the seed SQL defines it', async () => {
    const reference = await seedReference();
    const db = await createScratchDatabase(`migrated_${database}`);
    scratch.push(db);
    await migrateDatabase(database, db.url);
    const once = await withClient(db.url, describeSchema);
    await migrateDatabase(database, db.url); // the second run must be a harmless no-op
    const twice = await withClient(db.url, describeSchema);

    expect(seedTablesOf(reference, once)).toEqual(reference);
    for (const addition of additionsOf(reference, once))
      expect(addition.insertableWithoutIt, addition.column).toBe(true);
    expect(twice).toEqual(once);
    const applied = await withClient(db.url, (client) =>
      client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations'),
    );
    expect(applied.rows[0]).toEqual({ n: migrationCount(database) });
  });

  it('the configured database, once `twin migrate` has run, holds the seed schema exactly', async (context) => {
    const url = database === 'twin' ? config.databases.twinUrl : config.databases.analyticsUrl;
    // `npm test` migrates the configured databases first; a bare vitest run without a stack has none.
    context.skip(!(await isMigrated(url)), `${database} database not reachable or not migrated`);
    const reference = await seedReference();
    const configured = await withClient(url, describeSchema);
    expect(seedTablesOf(reference, configured)).toEqual(reference);
  });
});

describe('migrating an unreachable database', () => {
  it('fails within seconds, with one line naming the database and the reason, and no password', async () => {
    const started = Date.now();
    const failure = await migrateDatabase('twin', 'postgres://postgres:hunter2@127.0.0.1:1/x').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failure).toBeInstanceOf(MigrationError);
    const { message, database } = failure as MigrationError;
    expect(database).toBe('twin');
    expect(message).toMatch(/^cannot reach the twin database at 127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
    expect(message).not.toMatch(/hunter2|\n/);
  });
});
