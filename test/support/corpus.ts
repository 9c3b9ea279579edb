/**
 * A small evaluation corpus, in the on-disk format of src/eval/corpus.ts, made from the test
 * fixtures (build/fixtures): project `fixtures`, compiler gcc, seven architectures × O0/O2,
 * binaries records, vm and words. Ground truth comes from the debug copy's symbols; only the
 * fixture programs' own functions count (not crt or libgcc helpers).
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf } from '../../src/binfmt/elf.js';
import type { BinaryManifest, Corpus, CorpusArch, OptLevel, VariantEntry, VariantManifest } from '../../src/eval/corpus.js';
import { buildProgram } from '../../src/program/build.js';
import { fixtures } from './fixtures.js';

const PROJECT = 'fixtures';
/** Start-up code the compiler adds to every program. */
const RUNTIME = new Set(['deregister_tm_clones', 'register_tm_clones', 'frame_dummy', 'call_weak_fn']);

function corpusArch(target: string): CorpusArch {
  return target === 'arm-thumb' ? 'arm' : (target as CorpusArch);
}

/** Writes the corpus into a fresh temporary directory (or `dir`) and returns its path. */
export async function makeFixtureCorpus(dir = mkdtempSync(join(tmpdir(), 'semblance-corpus-'))): Promise<string> {
  const byVariant = new Map<string, ReturnType<typeof fixtures>>();
  for (const f of fixtures()) {
    const id = `${PROJECT}/gcc-${corpusArch(f.target)}-${f.opt}`;
    byVariant.set(id, [...(byVariant.get(id) ?? []), f]);
  }
  const entries: VariantEntry[] = [];
  for (const [id, fs] of byVariant) {
    const arch = corpusArch(fs[0]!.target);
    const opt = fs[0]!.opt as OptLevel;
    const binaries: BinaryManifest[] = [];
    for (const f of fs) {
      const debug = `${id}/debug/${f.program}`, stripped = `${id}/stripped/${f.program}`;
      mkdirSync(join(dir, id, 'debug'), { recursive: true });
      mkdirSync(join(dir, id, 'stripped'), { recursive: true });
      copyFileSync(f.path, join(dir, debug));
      copyFileSync(f.stripped, join(dir, stripped));
      const program = await buildProgram(loadElf(f.path));
      const own = program.functions.filter((x) => x.source === 'symtab' && !x.name.startsWith('_') && !RUNTIME.has(x.name));
      const functions = own.map((x) => ({
        key: `${PROJECT}:${f.program}:${x.name}`, name: x.name, address: x.address, size: x.size,
        blocks: x.blocks.length, instructions: x.instructionCount,
      }));
      binaries.push({ name: f.program, debug, stripped, functions });
    }
    const manifest: VariantManifest = { id, project: PROJECT, compiler: 'gcc', arch, opt, binaries };
    writeFileSync(join(dir, id, 'manifest.json'), JSON.stringify(manifest, null, 1));
    entries.push({ id, project: PROJECT, compiler: 'gcc', arch, opt, status: 'ok', manifest: `${id}/manifest.json` });
  }
  const corpus: Corpus = { version: 1, variants: entries };
  writeFileSync(join(dir, 'corpus.json'), JSON.stringify(corpus, null, 1));
  return dir;
}
