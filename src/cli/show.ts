import { loadElf } from '../binfmt/elf.js';
import type { Instruction, Operand } from '../arch/instruction.js';
import { buildProgram } from '../program/build.js';
import { findFunction, splitTarget } from '../program/lookup.js';
import type { FunctionInfo, Program } from '../program/program.js';
import { hex, SemblanceError } from '../util/errors.js';
import type { Loc } from '../ir/ir.js';
import { printInsn, printStmt } from '../ir/print.js';
import { liftFunction, lifterOf } from '../program/lift.js';

export interface Output {
  out(line: string): void;
}

const hexBytes = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export async function showCommand(args: string[], json: boolean, io: Output, ir = false): Promise<void> {
  if (args.length !== 1) throw new SemblanceError('usage', 'usage: semblance show BIN[:FUNC] [--json] [--ir]');
  const { file, func } = splitTarget(args[0]!);
  if (ir && func === undefined) throw new SemblanceError('usage', '--ir shows one function: semblance show BIN:FUNC --ir');
  const image = loadElf(file);
  const program = await buildProgram(image);
  if (func === undefined) showFunctions(program, json, io);
  else if (ir) showIr(program, findFunction(program, func), json, io);
  else showFunction(program, findFunction(program, func), json, io);
}

function showIr(p: Program, f: FunctionInfo, json: boolean, io: Output): void {
  const lifter = lifterOf(p);
  const blocks = liftFunction(lifter, f);
  const name = (l: Loc) => lifter.registers.nameOf(l);
  if (json) {
    io.out(JSON.stringify({
      name: f.name, address: f.address, arch: p.arch,
      blocks: blocks.map((b) => ({
        address: b.address, successors: b.successors,
        instructions: b.insns.map((i) => ({ address: i.address, mnemonic: i.mnemonic, status: i.status, ...(i.delaySlot ? { delaySlot: true } : {}), ir: i.stmts.map((s) => printStmt(s, name)), stmts: i.stmts })),
      })),
    }, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)));
    return;
  }
  io.out(`${f.name} @ ${hex(f.address)}  (${p.arch}, IR)`);
  for (const b of blocks) {
    io.out('');
    io.out(`${hex(b.address)}:${b.successors.length ? '    -> ' + b.successors.map(hex).join(', ') : ''}`);
    for (const i of b.insns) for (const line of printInsn(i, name)) io.out(`  ${line}`);
  }
}

function showFunctions(p: Program, json: boolean, io: Output): void {
  if (json) {
    const functions = p.functions.flatMap((f) => {
      const row = { name: f.name, address: f.address, size: f.size, blocks: f.blocks.length, instructions: f.instructionCount, source: f.source, ...(p.arch === 'arm' ? { thumb: f.thumb } : {}), ...(f.resolver ? { resolver: true } : {}) };
      return [row, ...f.aliases.map((name) => ({ ...row, name, aliasOf: f.name }))];
    });
    io.out(JSON.stringify({ file: p.image.file, arch: p.arch, functions }));
    return;
  }
  io.out(`${p.image.file}: ${p.arch}, ${p.functions.length} functions, ${p.imports.size} import stubs`);
  io.out(`${'address'.padEnd(12)} ${'size'.padStart(7)} ${'blocks'.padStart(6)} ${'insns'.padStart(6)}  name`);
  for (const f of p.functions) {
    const alias = f.aliases.length ? `  (= ${f.aliases.join(', ')})` : '';
    const resolver = f.resolver ? '  [ifunc resolver]' : '';
    io.out(`${hex(f.address).padEnd(12)} ${String(f.size).padStart(7)} ${String(f.blocks.length).padStart(6)} ${String(f.instructionCount).padStart(6)}  ${f.name}${alias}${resolver}`);
  }
}

export function operandJson(o: Operand): unknown {
  return o;
}

function insnJson(i: Instruction) {
  return { address: i.address, bytes: hexBytes(i.bytes), mnemonic: i.mnemonic, operands: i.text, operandList: i.operands.map(operandJson), flow: i.flow };
}

function showFunction(p: Program, f: FunctionInfo, json: boolean, io: Output): void {
  if (json) {
    io.out(JSON.stringify({
      name: f.name, address: f.address, arch: p.arch, size: f.size, ...(p.arch === 'arm' ? { thumb: f.thumb } : {}),
      blocks: f.blocks.map((b) => ({ address: b.address, instructions: b.instructions.map(insnJson), successors: b.successors })),
      calls: f.calls.map((c) => ({ address: c.address, target: c.target ?? null, name: c.name ?? null, import: c.import, tail: c.tail })),
      jumpTables: f.jumpTables.map((t) => ({ table: t.table, targets: t.targets })),
      unresolvedJumps: f.unresolvedJumps,
    }));
    return;
  }
  io.out(`${f.name} @ ${hex(f.address)}  (${p.arch}${p.arch === 'arm' ? (f.thumb ? ', thumb' : ', arm') : ''}, ${f.size} bytes, ${f.blocks.length} blocks, ${f.instructionCount} instructions)`);
  const calls = new Map(f.calls.map((c) => [c.address, c]));
  for (const b of f.blocks) {
    io.out('');
    io.out(`${hex(b.address)}:${b.successors.length ? '    -> ' + b.successors.map(hex).join(', ') : ''}`);
    for (const i of b.instructions) {
      const c = calls.get(i.address);
      const note = c ? `    ; ${c.tail ? 'tail ' : ''}call ${c.name ?? (c.target !== undefined ? hex(c.target) : '?')}${c.import ? ' (import)' : ''}` : '';
      io.out(`  ${hex(i.address).padEnd(12)} ${hexBytes(i.bytes).padEnd(20)} ${i.mnemonic.padEnd(8)} ${i.text}${note}`);
    }
  }
}
