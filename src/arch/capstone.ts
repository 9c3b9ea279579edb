/**
 * Capstone 5 (the @alexaltea/capstone-js WebAssembly build) with operand details read straight
 * from the engine's structs. The package's own detail reader targets an older struct layout, so
 * the offsets below follow Capstone 5.0's headers for wasm32 (pointers 4 bytes, int64/double
 * aligned to 8) and are checked by the decoder tests.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface CapstoneModule {
  _malloc(n: number): number;
  _free(p: number): void;
  _cs_open(arch: number, mode: number, handlePtr: number): number;
  _cs_option(h: number, opt: number, value: number): number;
  _cs_malloc(h: number): number;
  _cs_disasm_iter(h: number, codePtr: number, sizePtr: number, addrPtr: number, insn: number): number;
  _cs_reg_name(h: number, reg: number): number;
  getValue(ptr: number, type: string): number | bigint;
  setValue(ptr: number, value: number | bigint, type: string): void;
  UTF8ToString(ptr: number): string;
  writeArrayToMemory(a: Uint8Array, ptr: number): void;
  [k: string]: unknown;
}

let modulePromise: Promise<CapstoneModule> | undefined;
export function capstone(): Promise<CapstoneModule> {
  if (!modulePromise) {
    const factory = require('@alexaltea/capstone-js') as () => Promise<CapstoneModule>;
    modulePromise = factory();
  }
  return modulePromise;
}

export const CS_ARCH_ARM = 0, CS_ARCH_ARM64 = 1, CS_ARCH_MIPS = 2;
export const CS_MODE_THUMB = 1 << 4, CS_MODE_MIPS32 = 1 << 2, CS_MODE_BIG_ENDIAN = 1 << 31;
const CS_OPT_DETAIL = 2, CS_OPT_ON = 3;
export const CS_GRP_JUMP = 1, CS_GRP_CALL = 2, CS_GRP_RET = 3, CS_GRP_INT = 4;

// cs_insn (Capstone 5, wasm32)
const INSN_ID = 0, INSN_SIZE = 16, INSN_MNEMONIC = 42, INSN_OPSTR = 74, INSN_DETAIL = 236;
// cs_detail
const DETAIL_GROUPS = 83, DETAIL_GROUPS_COUNT = 91;
export const DETAIL_ARCH = 96;

/** One Capstone handle over a copy of the binary's bytes in the engine's heap. */
export class CapstoneSession {
  private readonly insn: number;
  private readonly codePtr: number;
  private readonly sizePtr: number;
  private readonly addrPtr: number;
  private readonly regNames = new Map<number, string>();

  private constructor(
    readonly cs: CapstoneModule,
    readonly handle: number,
    private readonly heapBytes: number,
  ) {
    this.insn = cs._cs_malloc(handle);
    this.codePtr = cs._malloc(4);
    this.sizePtr = cs._malloc(4);
    this.addrPtr = cs._malloc(8);
  }

  static async open(arch: number, mode: number, bytes: Uint8Array): Promise<CapstoneSession> {
    const cs = await capstone();
    const hp = cs._malloc(4);
    const err = cs._cs_open(arch, mode, hp);
    if (err !== 0) throw new Error(`capstone: cs_open failed (${err})`);
    const handle = cs.getValue(hp, 'i32') as number;
    cs._free(hp);
    cs._cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
    const heap = cs._malloc(Math.max(1, bytes.length));
    cs.writeArrayToMemory(bytes, heap);
    return new CapstoneSession(cs, handle, heap);
  }

  setMode(mode: number): void {
    this.cs._cs_option(this.handle, 3 /* CS_OPT_MODE */, mode);
  }

  /**
   * Decodes the instruction at file offset `offset` (address `address`), leaving it in the
   * session's cs_insn. Returns its size, or 0 if the bytes do not decode.
   */
  decodeAt(offset: number, limit: number, address: number): number {
    const cs = this.cs;
    cs.setValue(this.codePtr, this.heapBytes + offset, 'i32');
    cs.setValue(this.sizePtr, limit, 'i32');
    cs.setValue(this.addrPtr, BigInt(address), 'i64');
    if (!cs._cs_disasm_iter(this.handle, this.codePtr, this.sizePtr, this.addrPtr, this.insn)) return 0;
    return cs.getValue(this.insn + INSN_SIZE, 'i16') as number & 0xffff;
  }

  get id(): number { return this.cs.getValue(this.insn + INSN_ID, 'i32') as number; }
  get mnemonic(): string { return this.cs.UTF8ToString(this.insn + INSN_MNEMONIC); }
  get opText(): string { return this.cs.UTF8ToString(this.insn + INSN_OPSTR); }
  /** Address of the architecture-specific part of cs_detail. */
  get archDetail(): number { return (this.cs.getValue(this.insn + INSN_DETAIL, 'i32') as number) + DETAIL_ARCH; }

  groups(): number[] {
    const d = this.cs.getValue(this.insn + INSN_DETAIL, 'i32') as number;
    const n = this.u8(d + DETAIL_GROUPS_COUNT);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.u8(d + DETAIL_GROUPS + i));
    return out;
  }

  u8(p: number): number { return (this.cs.getValue(p, 'i8') as number) & 0xff; }
  i32(p: number): number { return this.cs.getValue(p, 'i32') as number; }
  i64(p: number): number { return Number(this.cs.getValue(p, 'i64') as bigint); }

  regName(reg: number): string {
    let n = this.regNames.get(reg);
    if (n === undefined) {
      n = this.cs.UTF8ToString(this.cs._cs_reg_name(this.handle, reg));
      this.regNames.set(reg, n);
    }
    return n;
  }
}

/** Capstone's numeric id for each named constant (e.g. `ARM_INS_B`), looked up once. */
export function idSet(cs: CapstoneModule, prefix: string, names: readonly string[]): Set<number> {
  const s = new Set<number>();
  for (const n of names) {
    const v = cs[`${prefix}${n}`];
    if (typeof v === 'number') s.add(v);
  }
  return s;
}

export function constant(cs: CapstoneModule, name: string): number {
  const v = cs[name];
  if (typeof v !== 'number') throw new Error(`capstone: no constant ${name}`);
  return v;
}
