/** MIPS32 (big and little endian) decoding with Capstone; operands from cs_mips (Capstone 5 layout). */
import type { Image } from '../../binfmt/image.js';
import { fileOffsetOf } from '../../binfmt/image.js';
import { CapstoneSession, CS_ARCH_MIPS, CS_MODE_BIG_ENDIAN, CS_MODE_MIPS32, idSet } from '../capstone.js';
import type { Decoder, Flow, Instruction, Operand } from '../instruction.js';

// cs_mips: op_count @0, operands @8 (24 bytes each: type @0, union @8; mem = base @8, disp @16)
const OPS = 8, OP_SIZE = 24;
const OP_REG = 1, OP_IMM = 2, OP_MEM = 3;

export class MipsDecoder implements Decoder {
  readonly arch: 'mips' | 'mipsel';
  private readonly ids;

  private constructor(private readonly image: Image, private readonly s: CapstoneSession) {
    this.arch = image.littleEndian ? 'mipsel' : 'mips';
    const cs = s.cs;
    this.ids = {
      jump: idSet(cs, 'MIPS_INS_', ['J', 'B']),
      branch: idSet(cs, 'MIPS_INS_', ['BEQ', 'BNE', 'BGEZ', 'BGTZ', 'BLEZ', 'BLTZ', 'BEQZ', 'BNEZ', 'BEQL', 'BNEL', 'BGEZL', 'BGTZL', 'BLEZL', 'BLTZL', 'BC1T', 'BC1F', 'BC1TL', 'BC1FL']),
      call: idSet(cs, 'MIPS_INS_', ['JAL', 'BAL', 'BGEZAL', 'BLTZAL', 'JALX']),
      icall: idSet(cs, 'MIPS_INS_', ['JALR', 'JALR_HB']),
      jr: idSet(cs, 'MIPS_INS_', ['JR', 'JR_HB']),
      traps: idSet(cs, 'MIPS_INS_', ['BREAK', 'SDBBP']),
    };
  }

  static async create(image: Image): Promise<MipsDecoder> {
    const mode = CS_MODE_MIPS32 | (image.littleEndian ? 0 : CS_MODE_BIG_ENDIAN);
    return new MipsDecoder(image, await CapstoneSession.open(CS_ARCH_MIPS, mode, image.bytes));
  }

  decode(address: number): Instruction | undefined {
    const off = fileOffsetOf(this.image, address, 4);
    if (off === undefined) return undefined;
    const s = this.s;
    const size = s.decodeAt(off, 4, address);
    if (size === 0) return undefined;
    const a = s.archDetail;
    const n = s.u8(a);
    const operands: Operand[] = [];
    for (let i = 0; i < n; i++) {
      const o = a + OPS + i * OP_SIZE;
      const type = s.i32(o);
      if (type === OP_REG) operands.push({ kind: 'reg', reg: s.regName(s.i32(o + 8)) });
      else if (type === OP_IMM) operands.push({ kind: 'imm', value: s.i64(o + 8) });
      else if (type === OP_MEM) {
        const base = s.i32(o + 8);
        operands.push({ kind: 'mem', scale: 1, disp: s.i64(o + 16), ...(base ? { base: s.regName(base) } : {}) });
      } else operands.push({ kind: 'other', text: '' });
    }
    const id = s.id, I = this.ids;
    let flow: Flow = 'seq';
    const last = operands[operands.length - 1];
    const imm = last?.kind === 'imm' ? last.value >>> 0 : undefined;
    let target: number | undefined;
    if (I.jump.has(id)) { flow = 'jump'; target = imm; }
    else if (I.branch.has(id)) {
      // beq $zero, $zero is the assembler's unconditional `b`.
      const r0 = operands[0], r1 = operands[1];
      const always = r0?.kind === 'reg' && r1?.kind === 'reg' && r0.reg === 'zero' && r1.reg === 'zero' && /^beq/.test(s.mnemonic);
      flow = always ? 'jump' : 'branch'; target = imm;
    } else if (I.call.has(id)) { flow = 'call'; target = imm; }
    else if (I.icall.has(id)) flow = 'icall';
    else if (I.jr.has(id)) flow = operands[0]?.kind === 'reg' && operands[0].reg === 'ra' ? 'return' : 'ijump';
    else if (I.traps.has(id)) flow = 'trap';
    return {
      address, size, bytes: this.image.bytes.subarray(off, off + size), mnemonic: s.mnemonic, text: s.opText,
      operands, flow, conditional: flow === 'branch', delaySlot: flow !== 'seq' && flow !== 'trap',
      ...(target !== undefined ? { target } : {}),
    };
  }
}
