import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { it } from 'node:test';

/** DESIGN.md §3: which layer may import which (arch reads the Image, so it sits above binfmt). */
const ALLOWED: Record<string, string[]> = {
  util: [], binfmt: ['util'], ir: ['util'], arch: ['binfmt', 'ir', 'util'], program: ['arch', 'binfmt', 'ir', 'util'],
  exec: ['program', 'arch', 'binfmt', 'ir', 'util'],
  features: ['exec', 'program', 'arch', 'binfmt', 'ir', 'util'],
  model: ['features', 'util'],
  store: ['features', 'util'],
  search: ['store', 'model', 'features', 'program', 'binfmt', 'ir', 'util'],
  eval: ['search', 'store', 'model', 'features', 'exec', 'program', 'arch', 'binfmt', 'ir', 'util'],
  cli: ['*'], server: ['*'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => { const p = join(dir, n); return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []; });
}

it('imports follow the layering; architecture folders never import each other; nothing below the CLI prints or exits', () => {
  for (const file of files('src')) {
    const [layer, sub] = relative('src', file).split('/');
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = relative('src', resolve(dirname(file), m[1]!)).split('/');
      const to = target[0]!;
      if (to === layer) {
        if (layer === 'arch' && sub && target[1] && sub !== target[1] && !sub.endsWith('.ts') && !target[1].endsWith('.js')) {
          assert.fail(`${file} imports another architecture folder: ${m[1]}`);
        }
        continue;
      }
      const ok = ALLOWED[layer!] ?? [];
      assert.ok(ok.includes('*') || ok.includes(to), `${file}: layer ${layer} may not import ${to} (${m[1]})`);
    }
    if (layer !== 'cli' && layer !== 'server') {
      assert.doesNotMatch(text, /console\.(log|error|warn)|process\.exit|process\.stdout|process\.stderr/, `${file} prints or exits`);
    }
  }
});
