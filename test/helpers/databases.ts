import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import '../setup/provided-context.js';

/** The PostgreSQL the test setup found or started (test/setup/services.ts): SIPHON_TEST_POSTGRES, a local one, or an embedded one. */
export const POSTGRES_URL = inject('postgresUrl');

export interface TestDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  readonly url: string;
  /** A directory for files the test writes (configs, exports). */
  readonly dir: string;
  drop(): Promise<void>;
}

/** A fresh, empty database: a SQLite file in a temp dir, or a PostgreSQL schema of its own. */
export async function createTestDatabase(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'siphon-test-'));
  if (dialect === 'sqlite') {
    return { dialect, url: `sqlite:${join(dir, 'test.db')}`, dir, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `siphon_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return {
    dialect,
    url: url.toString(),
    dir,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const dialects = ['sqlite', 'postgres'] as const;
