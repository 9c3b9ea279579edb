/**
 * The function database (DESIGN.md §7): one interface, backends behind it (SQLite now), one
 * conformance suite (test/store.test.ts). The store sees serialised records only, never IR.
 */

/** One analysed binary. `sha256` identifies it: indexing the same bytes twice changes nothing. */
export interface FileRecord {
  readonly path: string;
  readonly sha256: string;
  readonly arch: string;
}

/** One function's features as one method (at one version) computed them. */
export interface FunctionRecord {
  readonly name: string;
  readonly address: number;
  readonly size: number;
  readonly method: string;
  /** The method's feature version; records of different versions are never compared. */
  readonly methodVersion: string;
  /** Version of the IR and lifters that produced the features. */
  readonly irVersion: string;
  /** The method's `encode` output (JSON-safe). */
  readonly features: unknown;
}

export interface StoredFunction extends FunctionRecord {
  readonly id: number;
  readonly file: string;
  readonly sha256: string;
  readonly arch: string;
}

export interface FunctionStore {
  /** Whether this file's functions are stored for this method and version. */
  hasFile(sha256: string, method: string, methodVersion: string): boolean;
  /**
   * Stores a file's functions as one method (at one version) computed them, replacing that
   * method's earlier records of the same file, all or nothing (a failure leaves what was
   * stored before). A file with no functions is still recorded as indexed.
   */
  putFile(file: FileRecord, method: string, methodVersion: string, records: readonly FunctionRecord[]): void;
  /** Every stored function of one method and version. */
  functions(method: string, methodVersion: string): StoredFunction[];
  /** How many files and functions are stored. */
  counts(): { files: number; functions: number };
  close(): void;
}
