/** Every project the corpus builder knows, and the default set. */
import type { ProjectRecipe } from '../recipe.js';
import { zlib } from './zlib.js';

export const RECIPES: readonly ProjectRecipe[] = [zlib];

/** Built when `--projects` is omitted: small enough for minutes on two cores (docs/CORPUS.md). */
export const DEFAULT_PROJECTS: readonly string[] = ['zlib'];

export function recipe(name: string): ProjectRecipe | undefined {
  return RECIPES.find((r) => r.name === name);
}
