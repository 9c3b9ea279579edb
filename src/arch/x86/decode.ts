/**
 * x86 and x86-64 decoding with iced-x86 (exact, table-driven, fast). iced's Instruction is a
 * handle into WebAssembly memory, so each decoded instruction is copied into our plain value.
 */
import { createRequire } from 'node:module';
import type * as Iced from 'iced-x86';
import type { Image } from '../../binfmt/image.js';
import { fileOffsetOf } from '../../binfmt/image.js';
import type { Decoder, Flow, Instruction, Operand } from '../instruction.js';

const require = createRequire(import.meta.url);
const iced = require('iced-x86') as typeof Iced;
const { Decoder: IcedDecoder, Formatter, FormatterSyntax, FlowControl, OpKind, Register, Mnemonic, Instruction: IcedInstruction, MemorySizeExt } = iced;

const REG_NAMES: string[] = [];
for (const [name, value] of Object.entries(Register)) {
  if (typeof value === 'number') REG_NAMES[value] = name.toLowerCase();
}
const regName = (r: number): string | undefined => (r === Register.None ? undefined : REG_NAMES[r]);

export class X86Decoder implements Decoder {
  readonly arch: Image['arch'];
  private readonly decoder: Iced.Decoder;
  private readonly formatter: Iced.Formatter;
  private readonly insn: Iced.Instruction;

  constructor(private readonly image: Image) {
    this.arch = image.arch;
    this.decoder = new IcedDecoder(image.bits, image.bytes, 0);
    this.formatter = new Formatter(FormatterSyntax.Intel);
    this.formatter.hexPrefix = '0x';
    this.formatter.hexSuffix = '';
    this.formatter.uppercaseHex = false;
    this.formatter.spaceAfterOperandSeparator = true;
    this.formatter.showBranchSize = false;
    this.formatter.branchLeadingZeros = false;
    this.formatter.leadingZeros = false;
    this.insn = new IcedInstruction();
  }

  decode(address: number): Instruction | undefined {
    const off = fileOffsetOf(this.image, address);
    if (off === undefined) return undefined;
    const d = this.decoder;
    d.position = off;
    d.ip = BigInt(address);
    const ins = this.insn;
    d.decodeOut(ins);
    if (ins.isInvalid) return undefined;
    const size = ins.length;
    if (off + size > this.image.bytes.length) return undefined;
    const operands: Operand[] = [];
    let target: number | undefined;
    for (let i = 0; i < ins.opCount; i++) {
      const k = ins.opKind(i);
      switch (k) {
        case OpKind.Register:
          operands.push({ kind: 'reg', reg: REG_NAMES[ins.opRegister(i)] ?? '?' });
          break;
        case OpKind.NearBranch16: case OpKind.NearBranch32: case OpKind.NearBranch64:
          target = Number(ins.nearBranchTarget);
          operands.push({ kind: 'imm', value: target });
          break;
        case OpKind.Memory: {
          const base = regName(ins.memoryBase), index = regName(ins.memoryIndex), seg = ins.segmentPrefix;
          const m: { -readonly [K in keyof Extract<Operand, { kind: 'mem' }>]: Extract<Operand, { kind: 'mem' }>[K] } = {
            kind: 'mem', scale: ins.memoryIndexScale,
            disp: ins.isIpRelMemoryOperand ? Number(ins.ipRelMemoryAddress) : Number(BigInt.asIntN(this.image.bits, ins.memoryDisplacementU64)),
          };
          if (base && !ins.isIpRelMemoryOperand) m.base = base;
          if (index) m.index = index;
          if (seg !== Register.None) m.segment = REG_NAMES[seg]!;
          const bytes = MemorySizeExt.size(ins.memorySize);
          if (bytes) m.size = bytes;
          operands.push(m);
          break;
        }
        case OpKind.FarBranch16: case OpKind.FarBranch32:
          operands.push({ kind: 'other', text: this.formatter.formatOperand(ins, i) });
          break;
        case OpKind.MemorySegSI: case OpKind.MemorySegESI: case OpKind.MemorySegRSI:
          operands.push({ kind: 'mem', base: k === OpKind.MemorySegSI ? 'si' : k === OpKind.MemorySegESI ? 'esi' : 'rsi', scale: 1, disp: 0, size: MemorySizeExt.size(ins.memorySize) });
          break;
        case OpKind.MemorySegDI: case OpKind.MemorySegEDI: case OpKind.MemorySegRDI:
        case OpKind.MemoryESDI: case OpKind.MemoryESEDI: case OpKind.MemoryESRDI: {
          const b = k === OpKind.MemorySegDI || k === OpKind.MemoryESDI ? 'di' : k === OpKind.MemorySegEDI || k === OpKind.MemoryESEDI ? 'edi' : 'rdi';
          operands.push({ kind: 'mem', base: b, scale: 1, disp: 0, size: MemorySizeExt.size(ins.memorySize) });
          break;
        }
        default:
          // Every immediate kind: iced gives the value zero- or sign-extended as u64.
          operands.push({ kind: 'imm', value: Number(BigInt.asIntN(64, ins.immediate(i))) });
      }
    }
    const flow = flowOf(ins);
    const result: Instruction = {
      address, size, bytes: this.image.bytes.subarray(off, off + size),
      mnemonic: this.formatter.formatMnemonic(ins), text: this.formatter.formatAllOperands(ins),
      operands, flow, conditional: flow === 'branch', delaySlot: false,
      ...(target !== undefined && (flow === 'jump' || flow === 'branch' || flow === 'call') ? { target } : {}),
    };
    return result;
  }
}

function flowOf(ins: Iced.Instruction): Flow {
  switch (ins.flowControl) {
    case FlowControl.Next: return ins.mnemonic === Mnemonic.Hlt ? 'trap' : 'seq';
    case FlowControl.UnconditionalBranch: return 'jump';
    case FlowControl.ConditionalBranch: return 'branch';
    case FlowControl.IndirectBranch: return 'ijump';
    case FlowControl.Return: return 'return';
    case FlowControl.Call: return 'call';
    case FlowControl.IndirectCall: return 'icall';
    case FlowControl.Interrupt: return ins.mnemonic === Mnemonic.Int3 ? 'trap' : 'seq';
    case FlowControl.XbeginXabortXend: return 'seq';
    case FlowControl.Exception: return 'trap';
    default: return 'seq';
  }
}
