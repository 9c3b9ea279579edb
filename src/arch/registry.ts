/** Every supported architecture, keyed by name. The only place that knows them all. */
import type { Arch } from '../binfmt/image.js';
import { aarch64 } from './aarch64/index.js';
import { arm } from './arm/index.js';
import { mips } from './mips/index.js';
import type { ArchSpec } from './spec.js';
import { x86 } from './x86/index.js';

const SPECS: Record<Arch, ArchSpec> = {
  x86, x86_64: x86, arm, aarch64, mips, mipsel: mips,
};

export function archSpec(arch: Arch): ArchSpec {
  return SPECS[arch];
}
