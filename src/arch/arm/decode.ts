/** ARM (A32) and Thumb-2 decoding with Capstone; operands from cs_arm (Capstone 5 layout). */
import type { Image } from '../../binfmt/image.js';
import { fileOffsetOf } from '../../binfmt/image.js';
import { CapstoneSession, CS_ARCH_ARM, CS_MODE_THUMB, constant, idSet } from '../capstone.js';
import type { Decoder, Flow, Instruction, Operand, Shift } from '../instruction.js';

// cs_arm: cc @20, update_flags @24, writeback @25, post_index @26, op_count @32, operands @40
// (48 bytes each: vector_index @0, shift.type @4, shift.value @8, type @12, union @16,
// subtracted @40, access @41)
const CC = 20, UPDATE_FLAGS = 24, WRITEBACK = 25, POST_INDEX = 26, OP_COUNT = 32, OPS = 40, OP_SIZE = 48;
/** Capstone 5's arm_cc, from ARM_CC_EQ = 1 to ARM_CC_AL = 15. */
const CONDITIONS = ['', 'eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al'];
const OP_REG = 1, OP_IMM = 2, OP_MEM = 3;
const CC_AL = 15;
const SHIFTS: (Shift['type'] | undefined)[] = [undefined, 'asr', 'lsl', 'lsr', 'ror', 'rrx', 'asr', 'lsl', 'lsr', 'ror', 'rrx'];

export class ArmDecoder implements Decoder {
  readonly arch = 'arm' as const;
  private thumbMode = false;
  private readonly ids;
  /**
   * Thumb IT blocks: the `it` instruction and the instructions it covers, decoded together.
   * Capstone keeps the IT state in its handle and hands it to whatever Thumb instruction it
   * decodes next, so decoding in any other order would give conditions to the wrong
   * instructions. Decoding the block right after its `it` keeps the handle clean between calls
   * and makes the result independent of the order of calls (given the `it` is decoded before
   * the block, as any walk along control flow does).
   */
  private readonly itBlocks = new Map<number, Instruction>();

  private constructor(private readonly image: Image, private readonly s: CapstoneSession) {
    const cs = s.cs;
    this.ids = {
      b: constant(cs, 'ARM_INS_B'), bl: constant(cs, 'ARM_INS_BL'), blx: constant(cs, 'ARM_INS_BLX'), bx: constant(cs, 'ARM_INS_BX'),
      cbz: idSet(cs, 'ARM_INS_', ['CBZ', 'CBNZ']), tb: idSet(cs, 'ARM_INS_', ['TBB', 'TBH']),
      pops: idSet(cs, 'ARM_INS_', ['POP', 'LDM', 'LDMDA', 'LDMDB', 'LDMIB']),
      traps: idSet(cs, 'ARM_INS_', ['UDF', 'BKPT', 'TRAP']), it: constant(cs, 'ARM_INS_IT'),
      pc: constant(cs, 'ARM_REG_PC'), lr: constant(cs, 'ARM_REG_LR'), sp: constant(cs, 'ARM_REG_SP'),
    };
  }

  static async create(image: Image): Promise<ArmDecoder> {
    return new ArmDecoder(image, await CapstoneSession.open(CS_ARCH_ARM, 0, image.bytes));
  }

  decode(address: number, thumb = false): Instruction | undefined {
    if (thumb) {
      const cached = this.itBlocks.get(address);
      if (cached) return cached;
    }
    const i = this.decodeRaw(address, thumb);
    if (i && thumb && this.s.id === this.ids.it) {
      // IT mask (low nibble of the first byte): the block holds 4 - (trailing zeros) instructions.
      const mask = i.bytes[0]! & 0xf;
      const n = mask === 0 ? 0 : 4 - Math.log2(mask & -mask);
      this.itBlocks.set(address, i);
      let a = address + i.size;
      for (let k = 0; k < n; k++) {
        const j = this.decodeRaw(a, true);
        if (!j) break;
        this.itBlocks.set(a, j);
        a += j.size;
      }
    }
    return i;
  }

  private decodeRaw(address: number, thumb: boolean): Instruction | undefined {
    const off = fileOffsetOf(this.image, address, 2);
    if (off === undefined) return undefined;
    const s = this.s;
    if (thumb !== this.thumbMode) {
      s.setMode(thumb ? CS_MODE_THUMB : 0);
      this.thumbMode = thumb;
    }
    const size = s.decodeAt(off, Math.min(4, this.image.bytes.length - off), address);
    if (size === 0) return undefined;
    const a = s.archDetail;
    const n = s.u8(a + OP_COUNT);
    const operands: Operand[] = [];
    const regIds: number[] = [];
    const lanes: number[] = [];
    const subtracted: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = a + OPS + i * OP_SIZE;
      lanes.push(s.i32(o));
      if (s.u8(o + 40) !== 0) subtracted.push(i);
      const type = s.i32(o + 12);
      const st = s.i32(o + 4), sv = s.i32(o + 8);
      const shiftType = SHIFTS[st];
      const shift: Shift | undefined = shiftType ? { type: shiftType, amount: st >= 6 ? s.regName(sv) : sv } : undefined;
      if (type === OP_REG) {
        const r = s.i32(o + 16);
        regIds.push(r);
        const write = (s.u8(o + 41) & 2) !== 0;
        operands.push({ kind: 'reg', reg: s.regName(r), ...(shift ? { shift } : {}), ...(write ? { write } : {}) });
      } else if (type === OP_IMM || type === 64 || type === 65) {
        operands.push({ kind: 'imm', value: s.i32(o + 16) });
      } else if (type === OP_MEM) {
        const base = s.i32(o + 16), index = s.i32(o + 20), scale = s.i32(o + 24), disp = s.i32(o + 28);
        const sub = s.u8(o + 40) !== 0;
        operands.push({
          kind: 'mem', scale: sub ? -1 : scale, disp: sub && disp > 0 ? -disp : disp,
          ...(base ? { base: s.regName(base) } : {}), ...(index ? { index: s.regName(index) } : {}), ...(shift ? { shift } : {}),
        });
      } else operands.push({ kind: 'other', text: '' });
    }
    const cc = s.i32(a + CC);
    const conditional = cc !== 0 && cc !== CC_AL;
    const id = s.id;
    const I = this.ids;
    let flow: Flow = 'seq';
    let target: number | undefined;
    let targetThumb: boolean | undefined;
    const imm0 = operands[0]?.kind === 'imm' ? (operands[0] as { value: number }).value >>> 0 : undefined;
    const writesPc = regIds.some((r, i) => r === I.pc && (operands[i] as { write?: boolean }).write) ||
      (operands[0]?.kind === 'reg' && regIds[0] === I.pc && !I.pops.has(id) && id !== I.bx && id !== I.blx);
    if (id === I.b) {
      flow = conditional ? 'branch' : 'jump'; target = imm0;
    } else if (id === I.bl) {
      flow = 'call'; target = imm0; targetThumb = thumb;
    } else if (id === I.blx) {
      if (imm0 !== undefined) { flow = 'call'; target = imm0; targetThumb = !thumb; } else flow = 'icall';
    } else if (id === I.bx) {
      flow = regIds[0] === I.lr ? 'return' : 'ijump';
    } else if (I.cbz.has(id)) {
      flow = 'branch'; const t = operands[1]; target = t?.kind === 'imm' ? t.value >>> 0 : undefined;
    } else if (I.tb.has(id)) {
      flow = 'ijump';
    } else if (I.traps.has(id)) {
      flow = 'trap';
    } else if (I.pops.has(id) && regIds.includes(I.pc)) {
      flow = 'return';
    } else if (writesPc) {
      // ldr pc, [sp], #4 pops a return address; mov pc, lr returns; anything else is computed.
      const src = operands[1];
      if (src?.kind === 'mem' && src.base === 'sp') flow = 'return';
      else if (src?.kind === 'reg' && src.reg === 'lr' && operands.length === 2) flow = 'return';
      else flow = 'ijump';
    }
    const cond = conditional && flow !== 'seq' && flow !== 'branch';
    const writeback = s.u8(a + WRITEBACK) !== 0, postIndex = s.u8(a + POST_INDEX) !== 0;
    return {
      ...(conditional ? { cond: CONDITIONS[cc] } : {}),
      ...(s.u8(a + UPDATE_FLAGS) !== 0 ? { updatesFlags: true } : {}),
      ...(writeback ? { writeback } : {}), ...(postIndex ? { postIndex } : {}),
      ...(lanes.some((l) => l >= 0) ? { lanes } : {}), ...(subtracted.length ? { subtracted } : {}),
      address, size, bytes: this.image.bytes.subarray(off, off + size), mnemonic: s.mnemonic, text: s.opText,
      operands, flow, conditional: conditional || flow === 'branch' || cond, delaySlot: false, thumb,
      ...(target !== undefined ? { target } : {}), ...(targetThumb !== undefined ? { targetThumb } : {}),
    };
  }
}
