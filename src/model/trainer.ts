/**
 * Runs the Python trainer (python/trex/train.py, docs/TREX_DATA.md) under Debian's
 * /usr/bin/python3 with python3-torch: TypeScript prepares the data and decides the arguments,
 * Python only trains and exports. Progress lines are handed to the caller; a failure becomes
 * one error line with the trainer's last words.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SemblanceError } from '../util/errors.js';

/** The repository root, from dist/src/model/ or src/model/. */
function root(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the package root');
    dir = up;
  }
  return dir;
}

export const TRAINER = join(root(), 'python', 'trex', 'train.py');
/** The model that ships in the repository. */
export const SHIPPED_MODEL = join(root(), 'models', 'trex');
export const PYTHON = process.env['SEMBLANCE_PYTHON'] ?? '/usr/bin/python3';

/** Runs `train.py <args>`; resolves when it exits 0. */
export function runTrainer(args: readonly string[], onLine: (line: string) => void = () => {}): Promise<void> {
  if (!existsSync(PYTHON)) return Promise.reject(new SemblanceError('not-found', `${PYTHON}: no Python; install python3-torch (scripts/install-deps.sh)`));
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [TRAINER, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    const tail: string[] = [];
    // Chunks split lines anywhere: keep the unfinished end of each stream for the next chunk.
    const lines = (sink: (l: string) => void) => {
      let rest = '';
      return (chunk: Buffer) => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop()!;
        for (const l of parts) if (l.trim() !== '') sink(l);
      };
    };
    child.stdout.on('data', lines(onLine));
    child.stderr.on('data', lines((l) => { tail.push(l); if (tail.length > 20) tail.shift(); }));
    child.on('error', (e) => reject(new SemblanceError('io', `cannot run ${PYTHON}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const last = tail.filter((l) => !/^\s/.test(l)).pop() ?? tail.pop() ?? '';
        reject(new SemblanceError('io', `trainer ${args[0] ?? ''} failed (${signal ?? `exit ${code}`}): ${last}`));
      }
    });
  });
}
