/**
 * The default store: one SQLite file (better-sqlite3: synchronous, transactional, no server).
 * Features are stored as JSON text next to indexed metadata columns.
 */
import Database from 'better-sqlite3';
import { SemblanceError } from '../util/errors.js';
import type { FileRecord, FunctionRecord, FunctionStore, StoredFunction } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL UNIQUE,
  arch TEXT NOT NULL,
  added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS functions (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  address INTEGER NOT NULL,
  size INTEGER NOT NULL,
  method TEXT NOT NULL,
  method_version TEXT NOT NULL,
  ir_version TEXT NOT NULL,
  features TEXT NOT NULL,
  UNIQUE (file_id, address, method, method_version)
);
CREATE INDEX IF NOT EXISTS functions_by_method ON functions (method, method_version);
CREATE TABLE IF NOT EXISTS indexed (
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  method_version TEXT NOT NULL,
  PRIMARY KEY (file_id, method, method_version)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
`;

export class SqliteStore implements FunctionStore {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.db.exec(SCHEMA);
    } catch (e) {
      throw new SemblanceError('io', `${path}: cannot open the database: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  hasFile(sha256: string, method: string, methodVersion: string): boolean {
    return this.db.prepare(`SELECT 1 FROM indexed i JOIN files x ON x.id = i.file_id
      WHERE x.sha256 = ? AND i.method = ? AND i.method_version = ?`).get(sha256, method, methodVersion) !== undefined;
  }

  putFile(file: FileRecord, method: string, methodVersion: string, records: readonly FunctionRecord[]): void {
    const tx = this.db.transaction(() => {
      this.db.prepare(`INSERT INTO files (path, sha256, arch, added) VALUES (?, ?, ?, ?)
        ON CONFLICT (sha256) DO UPDATE SET path = excluded.path`).run(file.path, file.sha256, file.arch, new Date().toISOString());
      const { id } = this.db.prepare(`SELECT id FROM files WHERE sha256 = ?`).get(file.sha256) as { id: number };
      this.db.prepare(`DELETE FROM functions WHERE file_id = ? AND method = ? AND method_version = ?`).run(id, method, methodVersion);
      this.db.prepare(`INSERT OR IGNORE INTO indexed (file_id, method, method_version) VALUES (?, ?, ?)`).run(id, method, methodVersion);
      const ins = this.db.prepare(`INSERT INTO functions (file_id, name, address, size, method, method_version, ir_version, features)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const r of records) {
        if (r.method !== method || r.methodVersion !== methodVersion) throw new Error(`record of ${r.method} ${r.methodVersion} stored as ${method} ${methodVersion}`);
        ins.run(id, r.name, r.address, r.size, r.method, r.methodVersion, r.irVersion, JSON.stringify(r.features));
      }
    });
    tx();
  }

  functions(method: string, methodVersion: string): StoredFunction[] {
    const rows = this.db.prepare(`SELECT f.id, x.path AS file, x.sha256, x.arch, f.name, f.address, f.size, f.method,
      f.method_version AS methodVersion, f.ir_version AS irVersion, f.features
      FROM functions f JOIN files x ON x.id = f.file_id WHERE f.method = ? AND f.method_version = ? ORDER BY f.id`).all(method, methodVersion) as (Omit<StoredFunction, 'features'> & { features: string })[];
    return rows.map((r) => ({ ...r, features: JSON.parse(r.features) as unknown }));
  }

  counts(): { files: number; functions: number } {
    const files = (this.db.prepare(`SELECT count(*) AS n FROM files`).get() as { n: number }).n;
    const functions = (this.db.prepare(`SELECT count(*) AS n FROM functions`).get() as { n: number }).n;
    return { files, functions };
  }

  close(): void { this.db.close(); }
}
