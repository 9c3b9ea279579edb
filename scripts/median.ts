/** What the bench scripts share: the median of samples, the system library they default to. */
import { existsSync } from 'node:fs';

/** The median of benchmark samples (the upper middle one for an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Debian's x86-64 libz, where the system has it (the scripts' default binary). */
export const systemLibz = (): string | undefined => ['/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/x86_64-linux-gnu/libz.so.1'].find(existsSync);
