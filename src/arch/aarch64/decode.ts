/** AArch64 decoding with Capstone; operands from cs_arm64 (Capstone 5 layout). */
import type { Image } from '../../binfmt/image.js';
import { fileOffsetOf } from '../../binfmt/image.js';
import { CapstoneSession, CS_ARCH_ARM64, constant, idSet } from '../capstone.js';
import type { Decoder, Flow, Instruction, Operand, Shift } from '../instruction.js';

// cs_arm64: cc @0 (i32), update_flags @4, writeback @5, post_index @6, op_count @7, operands @8
// (56 bytes each: vector_index @0, vas @4, shift.type @8, shift.value @12, ext @16, type @20,
// union @32)
const WRITEBACK = 5, POST_INDEX = 6, OP_COUNT = 7, OPS = 8, OP_SIZE = 56;
const OP_REG = 1, OP_IMM = 2, OP_MEM = 3, OP_FP = 4, OP_CIMM = 64, OP_REG_MRS = 65, OP_REG_MSR = 66, OP_SYSREG = 68;
/** arm64_cc 1..14 (0 invalid, 15 al, 16 nv). */
const CONDS = [undefined, 'eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];
/** arm64_vas. */
const ARRANGEMENTS = [undefined, '16b', '8b', '4b', '1b', '8h', '4h', '2h', '1h', '4s', '2s', '1s', '2d', '1d', '1q'];
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
    const lanes: number[] = [];
    const bytes = this.image.bytes.subarray(off, off + size);
    const word = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
    for (let i = 0; i < n; i++) {
      const o = a + OPS + i * OP_SIZE;
      const type = s.i32(o + 20);
      const shiftType = SHIFTS[s.i32(o + 8)];
      const shift: Shift | undefined = shiftType ? { type: shiftType, amount: s.i32(o + 12) } : undefined;
      const extend = EXTENDS[s.i32(o + 16)];
      const extra = { ...(shift ? { shift } : {}), ...(extend ? { extend } : {}) };
      const lane = s.i32(o);
      lanes.push(lane);
      if (type === OP_REG) {
        let arrangement = ARRANGEMENTS[s.i32(o + 4)];
        // Capstone 5 leaves the element size of some lane operands unset (`v1.s[0]` of umov):
        // recover it from imm5 of the SIMD copy class (0 Q op 01110000 imm5 0 imm4 1 Rn Rd).
        if (lane >= 0 && arrangement === undefined && (word & 0x9fe08400) >>> 0 === 0x0e000400) {
          const imm5 = (word >>> 16) & 31;
          arrangement = imm5 & 1 ? '1b' : imm5 & 2 ? '1h' : imm5 & 4 ? '1s' : imm5 & 8 ? '1d' : undefined;
        }
        operands.push({ kind: 'reg', reg: s.regName(s.i32(o + 32)), ...extra, ...(arrangement ? { arrangement } : {}) });
      } else if (type === OP_IMM || type === OP_CIMM) {
        const exact = s.cs.getValue(o + 32, 'i64') as bigint;
        const value = Number(exact);
        operands.push({ kind: 'imm', value, ...(shift ? { shift } : {}), ...(Number.isSafeInteger(value) ? {} : { exact }) });
      } else if (type === OP_MEM) {
        const base = s.i32(o + 32), index = s.i32(o + 36);
        operands.push({ kind: 'mem', scale: 1, disp: s.i32(o + 40), ...(base ? { base: s.regName(base) } : {}), ...(index ? { index: s.regName(index) } : {}), ...extra });
      } else if (type === OP_FP) {
        operands.push({ kind: 'other', text: '', fp: s.cs.getValue(o + 32, 'double') as number });
      } else if (type === OP_REG_MRS || type === OP_REG_MSR || type === OP_SYSREG) {
        operands.push({ kind: 'other', text: '', sysreg: s.i32(o + 32) });
      } else operands.push({ kind: 'other', text: '' });
    }
    const cc = s.i32(a);
    const cond = CONDS[cc];
    const writeback = s.u8(a + WRITEBACK) !== 0, postIndex = writeback && s.u8(a + POST_INDEX) !== 0;
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
      address, size, bytes, mnemonic: s.mnemonic, text: s.opText,
      operands, flow, conditional: flow === 'branch', delaySlot: false, ...(target !== undefined ? { target } : {}),
      ...(cond ? { cond } : {}), ...(writeback ? { writeback } : {}), ...(postIndex ? { postIndex } : {}),
      ...(lanes.some((l) => l >= 0) ? { lanes } : {}),
    };
  }
}
