import type { ProjectRecipe } from '../recipe.js';

/** Debian's compile-time options (debian/rules). */
const OPTIONS = ['-fno-strict-aliasing', '-DSQLITE_SECURE_DELETE', '-DSQLITE_ENABLE_COLUMN_METADATA', '-DSQLITE_ENABLE_FTS3',
  '-DSQLITE_ENABLE_FTS3_PARENTHESIS', '-DSQLITE_ENABLE_RTREE=1', '-DSQLITE_SOUNDEX=1', '-DSQLITE_ENABLE_UNLOCK_NOTIFY',
  '-DSQLITE_OMIT_LOOKASIDE=1', '-DSQLITE_ENABLE_DBSTAT_VTAB', '-DSQLITE_ALLOW_ROWID_IN_VIEW', '-DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1',
  '-DSQLITE_ENABLE_LOAD_EXTENSION', '-DSQLITE_ENABLE_JSON1', '-DSQLITE_LIKE_DOESNT_MATCH_BLOBS', '-DSQLITE_THREADSAFE=1',
  '-DSQLITE_ENABLE_FTS3_TOKENIZER=1', '-DSQLITE_USE_URI=1', '-DSQLITE_MAX_SCHEMA_RETRY=25', '-DSQLITE_ENABLE_PREUPDATE_HOOK',
  '-DSQLITE_ENABLE_SESSION', '-DSQLITE_ENABLE_STMTVTAB', '-DSQLITE_MAX_VARIABLE_NUMBER=250000'];

/**
 * SQLite from Debian's source tree: the amalgamation (sqlite3.c, shell.c) is generated once on
 * the host with the project's own configure and make (it needs tclsh), then compiled per variant
 * with Debian's options into the library and the sqlite3 shell.
 */
export const sqlite3: ProjectRecipe = {
  name: 'sqlite3',
  sourcePackage: 'sqlite3',
  version: '3.40.1-2+deb12u2',
  prepare: [['sh', './configure', '--disable-tcl'], ['make', 'sqlite3.c', 'shell.c']],
  cflags: [...OPTIONS, '-I{src}'],
  binaries: [
    { name: 'libsqlite3.so', kind: 'shared', sources: ['sqlite3.c'], ldflags: ['-lpthread', '-ldl', '-lm'] },
    { name: 'sqlite3', kind: 'program', sources: ['shell.c'], linkWith: ['libsqlite3.so'], ldflags: ['-lm'] },
  ],
};
