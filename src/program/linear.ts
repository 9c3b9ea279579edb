import type { Image } from '../binfmt/image.js';
import { mappingAt } from '../binfmt/image.js';
import type { Decoder, Instruction } from '../arch/instruction.js';

/**
 * Decodes [start, end) in address order, as a linear-sweep disassembler does (used to check the
 * decoders against objdump, and to read code the CFG does not reach). ARM mapping symbols choose
 * ARM or Thumb and skip `$d` data; bytes that do not decode are skipped by the instruction
 * alignment.
 */
export function linearSweep(image: Image, decoder: Decoder, start: number, end: number, thumb: boolean): Instruction[] {
  const out: Instruction[] = [];
  const arm = image.arch === 'arm';
  let a = start;
  while (a < end) {
    let mode = thumb;
    if (arm) {
      const m = mappingAt(image, a);
      if (m === 'd') { a += 2; continue; }
      if (m === 't' || m === 'a') mode = m === 't';
    }
    const i = decoder.decode(a, mode);
    if (!i) {
      a += arm ? (mode ? 2 : 4) : image.arch === 'x86' || image.arch === 'x86_64' ? 1 : 4;
      continue;
    }
    out.push(i);
    a += i.size;
  }
  return out;
}
