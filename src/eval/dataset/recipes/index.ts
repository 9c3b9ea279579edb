/** Every project the corpus builder knows, and the default set. */
import type { ProjectRecipe } from '../recipe.js';
import { bzip2 } from './bzip2.js';
import { coreutils } from './coreutils.js';
import { diffutils } from './diffutils.js';
import { findutils } from './findutils.js';
import { libmicrohttpd } from './libmicrohttpd.js';
import { libtomcrypt } from './libtomcrypt.js';
import { sqlite3 } from './sqlite3.js';
import { zlib } from './zlib.js';

export const RECIPES: readonly ProjectRecipe[] = [zlib, libmicrohttpd, libtomcrypt, bzip2, sqlite3, diffutils, findutils, coreutils];

/** Built when `--projects` is omitted: small enough for minutes on two cores (docs/CORPUS.md). */
export const DEFAULT_PROJECTS: readonly string[] = ['zlib', 'libmicrohttpd'];

export function recipe(name: string): ProjectRecipe | undefined {
  return RECIPES.find((r) => r.name === name);
}
