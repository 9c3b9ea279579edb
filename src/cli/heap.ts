/**
 * The analysing commands run with a roomier young generation. BinGo keeps a function's
 * expressions alive while its traces run: with V8's default 16 MB semi-spaces most of them
 * survived a scavenge or two and were copied, and scavenging took about a fifth of the main
 * thread (libpng: 738 ms of scavenges; with 64 MB semi-spaces, 226 ms). V8 reads the flag only
 * at start-up, so the process runs itself again with it, once.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

/** Whether this process was started without a semi-space size of its own (flag or NODE_OPTIONS). */
export function needsRoomyHeap(): boolean {
  const given = (a: string) => a.includes('--max-semi-space-size');
  return !process.execArgv.some(given) && !given(process.env.NODE_OPTIONS ?? '');
}

/**
 * Runs this script again, same arguments and standard streams, with the young generation
 * flag; resolves to its exit code. Signals sent to this process are passed on to it.
 */
export function rerunWithRoomyHeap(): Promise<number> {
  const child = spawn(process.execPath, [YOUNG_GENERATION_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const forward = (s: NodeJS.Signals) => { child.kill(s); };
  for (const s of signals) process.on(s, forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 1));
    });
  });
}
