/** AArch64 decoding with Capstone; operands from cs_arm64 (Capstone 5 layout). */
import type { Image } from '../../binfmt/image.js';
import { fileOffsetOf } from '../../binfmt/image.js';
import { CapstoneSession, CS_ARCH_ARM64, constant, idSet } from '../capstone.js';
import type { Decoder, Flow, Instruction, Operand, Shift } from '../instruction.js';

// cs_arm64: cc @0, op_count @7, operands @8 (56 bytes each: shift.type @8, shift.value @12,
// ext @16, type @20, union @32)
const OP_COUNT = 7, OPS = 8, OP_SIZE = 56;
const OP_REG = 1, OP_IMM = 2, OP_MEM = 3, OP_CIMM = 64;
const CC_AL = 15, CC_NV = 16;
const SHIFTS: (Shift['type'] | undefined)[] = [undefined, 'lsl', 'msl', 'lsr', 'asr', 'ror'];
const EXTENDS = [undefined, 'uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

export class Aarch64Decoder implements Decoder {
  readonly arch = 'aarch64' as const;
  private readonly ids;

  private constructor(private readonly image: Image, private readonly s: CapstoneSession) {
    const cs = s.cs;
    this.ids = {
      b: constant(cs, 'ARM64_INS_B'), bl: constant(cs, 'ARM64_INS_BL'), blr: idSet(cs, 'ARM64_INS_', ['BLR', 'BLRAA', 'BLRAAZ', 'BLRAB', 'BLRABZ']),
      br: idSet(cs, 'ARM64_INS_', ['BR', 'BRAA', 'BRAAZ', 'BRAB', 'BRABZ']), ret: idSet(cs, 'ARM64_INS_', ['RET', 'RETAA', 'RETAB']),
      cb: idSet(cs, 'ARM64_INS_', ['CBZ', 'CBNZ', 'TBZ', 'TBNZ']), traps: idSet(cs, 'ARM64_INS_', ['BRK', 'UDF', 'HLT']),
    };
  }

  static async create(image: Image): Promise<Aarch64Decoder> {
    return new Aarch64Decoder(image, await CapstoneSession.open(CS_ARCH_ARM64, 0, image.bytes));
  }

  decode(address: number): Instruction | undefined {
    const off = fileOffsetOf(this.image, address, 4);
    if (off === undefined) return undefined;
    const s = this.s;
    const size = s.decodeAt(off, 4, address);
    if (size === 0) return undefined;
    const a = s.archDetail;
    const n = s.u8(a + OP_COUNT);
    const operands: Operand[] = [];
    for (let i = 0; i < n; i++) {
      const o = a + OPS + i * OP_SIZE;
      const type = s.i32(o + 20);
      const shiftType = SHIFTS[s.i32(o + 8)];
      const shift: Shift | undefined = shiftType ? { type: shiftType, amount: s.i32(o + 12) } : undefined;
      const extend = EXTENDS[s.i32(o + 16)];
      const extra = { ...(shift ? { shift } : {}), ...(extend ? { extend } : {}) };
      if (type === OP_REG) {
        operands.push({ kind: 'reg', reg: s.regName(s.i32(o + 32)), ...extra });
      } else if (type === OP_IMM || type === OP_CIMM) {
        operands.push({ kind: 'imm', value: s.i64(o + 32) });
      } else if (type === OP_MEM) {
        const base = s.i32(o + 32), index = s.i32(o + 36);
        operands.push({ kind: 'mem', scale: 1, disp: s.i32(o + 40), ...(base ? { base: s.regName(base) } : {}), ...(index ? { index: s.regName(index) } : {}), ...extra });
      } else operands.push({ kind: 'other', text: '' });
    }
    const cc = s.i32(a);
    const id = s.id, I = this.ids;
    let flow: Flow = 'seq';
    let target: number | undefined;
    const lastImm = (): number | undefined => {
      const op = operands[operands.length - 1];
      return op?.kind === 'imm' ? op.value : undefined;
    };
    if (id === I.b) { flow = cc !== 0 && cc !== CC_AL && cc !== CC_NV ? 'branch' : 'jump'; target = lastImm(); }
    else if (id === I.bl) { flow = 'call'; target = lastImm(); }
    else if (I.blr.has(id)) flow = 'icall';
    else if (I.br.has(id)) flow = 'ijump';
    else if (I.ret.has(id)) flow = 'return';
    else if (I.cb.has(id)) { flow = 'branch'; target = lastImm(); }
    else if (I.traps.has(id)) flow = 'trap';
    return {
      address, size, bytes: this.image.bytes.subarray(off, off + size), mnemonic: s.mnemonic, text: s.opText,
      operands, flow, conditional: flow === 'branch', delaySlot: false, ...(target !== undefined ? { target } : {}),
    };
  }
}
