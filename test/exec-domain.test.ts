/**
 * The concrete domain against the IR's reference semantics (src/ir/build.ts fold functions), on
 * random and boundary values at every interesting width: the fast number paths (<= 32 bits)
 * and the BigInt paths must agree with the one definition.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldBinary, foldCmp, foldUnary } from '../src/ir/build.js';
import type { BinOp, CmpOp, UnOp } from '../src/ir/ir.js';
import { mask } from '../src/ir/ir.js';
import { concrete, toBigInt } from '../src/exec/concrete.js';
import { ConcreteMemory, MemoryFault } from '../src/exec/memory.js';

const WIDTHS = [1, 8, 16, 31, 32, 33, 48, 64, 128];
const BIN: BinOp[] = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'lshr', 'ashr', 'rotl', 'rotr', 'udiv', 'sdiv', 'urem', 'srem'];
const CMP: CmpOp[] = ['eq', 'ne', 'ult', 'ule', 'slt', 'sle'];
const UN: UnOp[] = ['not', 'neg', 'popcount', 'clz', 'ctz', 'bswap'];

let seed = 0x9e3779b97f4a7c15n;
function rand64(): bigint {
  seed = BigInt.asUintN(64, seed + 0x9e3779b97f4a7c15n);
  let z = seed;
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}
function values(w: number): bigint[] {
  const m = mask(w);
  const edge = [0n, 1n, 2n, m, m - 1n, 1n << BigInt(w - 1), (1n << BigInt(w - 1)) - 1n, BigInt(w), BigInt(w - 1)].map((v) => v & m);
  // Over 53 bits, around the edges of the number form (signed readings within ±(2^53 - 1)).
  const T = 1n << 53n;
  if (w > 54) edge.push(T - 1n, T, m + 1n - (T - 1n), m + 1n - T, 1n << 32n, m + 1n - (1n << 32n));
  const rnd = Array.from({ length: 14 }, () => ((rand64() << 64n) | rand64()) & m);
  const small = Array.from({ length: 6 }, () => rand64() % 40n & m);
  return [...edge, ...rnd, ...small];
}
const asConcrete = (w: number, v: bigint) => concrete.constant(w, v);

describe('concrete domain', () => {
  it('binary operations match the reference semantics at every width', () => {
    for (const w of WIDTHS) for (const op of BIN) {
      const f = concrete.binop(op, w);
      const vs = values(w);
      for (const a of vs) for (const b of vs.slice(0, 12)) {
        const want = foldBinary(op, w, a, b) & mask(w);
        const got = f(asConcrete(w, a), asConcrete(w, b));
        assert.equal(toBigInt(got, w), want, `${op}${w}(${a}, ${b})`);
        // One canonical form per value, so equality is ===.
        assert.equal(got, asConcrete(w, want), `${op}${w}(${a}, ${b}) canonical`);
      }
    }
  });
  it('comparisons, unary operations, extensions, extract and concat match', () => {
    for (const w of WIDTHS) {
      const vs = values(w);
      for (const op of CMP) {
        const f = concrete.cmp(op, w);
        for (const a of vs) for (const b of vs.slice(0, 10)) assert.equal(f(asConcrete(w, a), asConcrete(w, b)), foldCmp(op, w, a, b) ? 1 : 0, `${op}${w}(${a}, ${b})`);
      }
      for (const op of UN) {
        if (op === 'bswap' && w % 16 !== 0) continue;
        const f = concrete.unop(op, w);
        for (const a of vs) assert.equal(f(asConcrete(w, a)), asConcrete(w, foldUnary(op, w, a) & mask(w)), `${op}${w}(${a})`);
      }
      for (const to of WIDTHS.filter((t) => t >= w)) {
        const z = concrete.zext(w, to), s = concrete.sext(w, to);
        for (const a of vs) {
          assert.equal(z(asConcrete(w, a)), asConcrete(to, a), `zext ${w}->${to}`);
          assert.equal(s(asConcrete(w, a)), asConcrete(to, BigInt.asUintN(to, BigInt.asIntN(w, a))), `sext ${w}->${to}`);
        }
      }
      for (const lo of [0, 1, 7, Math.floor(w / 2)]) for (const ew of [1, 8, 32, 64]) {
        if (lo + ew > w) continue;
        const f = concrete.extract(lo, ew, w);
        for (const a of vs) assert.equal(f(asConcrete(w, a)), asConcrete(ew, (a >> BigInt(lo)) & mask(ew)), `extract ${lo}+${ew} of ${w}`);
      }
      for (const lw of [1, 8, 32]) {
        if (w + lw > 128) continue;
        const f = concrete.concat(w, lw);
        for (const a of vs.slice(0, 8)) for (const b of values(lw).slice(0, 8)) assert.equal(f(asConcrete(w, a), asConcrete(lw, b)), asConcrete(w + lw, (a << BigInt(lw)) | b), `concat ${w}++${lw}`);
      }
    }
  });
  it('opaque values are deterministic in their name and inputs', () => {
    const f = concrete.opaque('addsd', 64);
    assert.equal(f([1, 2n]), f([1, 2n]));
    assert.notEqual(f([1, 2n]), f([2, 1n]));
  });
  it('opaque values are FNV-1a (64-bit) over the name and the arguments\' low 64 bits, at every width', () => {
    // The reference: BigInt FNV-1a, as the domain defined it before it was computed on 32-bit halves.
    const reference = (name: string, args: readonly (number | bigint)[]) => {
      let h = 0xcbf29ce484222325n;
      const mix = (b: bigint) => { h = BigInt.asUintN(64, (h ^ b) * 0x100000001b3n); };
      for (let i = 0; i < name.length; i++) mix(BigInt(name.charCodeAt(i)));
      for (const a of args) mix(BigInt(a));
      return h;
    };
    const args: (number | bigint)[][] = [[], [0], [1, 2], [0xffffffff, 2 ** 32, 2 ** 53 - 1], [-1, -(2 ** 52), -12345678901], [2n ** 64n - 1n, 2n ** 127n + 5n], [0x80000000, -0x80000000]];
    for (const w of [1, 8, 16, 32, 33, 53, 54, 64, 128]) {
      for (const name of ['addsd', 'fpu:fld', '']) {
        const f = concrete.opaque(name, w);
        for (const a of args) assert.equal(f(a), concrete.constant(w, reference(name, a) & ((1n << BigInt(w)) - 1n)), `${name}/${w} ${a.join(',')}`);
      }
    }
  });
});

describe('concrete memory', () => {
  for (const littleEndian of [true, false]) {
    it(`loads and stores every width ${littleEndian ? 'little' : 'big'}-endian, across page boundaries`, () => {
      const m = new ConcreteMemory({ littleEndian });
      m.map(0x1000, 0x2000);
      for (const at of [0x1000, 0x1ffd, 0x1fff]) {
        m.store(at, 0x11223344, 32);
        assert.equal(m.load(at, 32), 0x11223344);
        assert.equal(m.load(at, 8), littleEndian ? 0x44 : 0x11);
        m.store(at, 0x0102030405060708n, 64);
        assert.equal(m.load(at, 64), 0x0102030405060708n);
        assert.equal(m.load(at, 16), littleEndian ? 0x0708 : 0x0102);
        m.store(at, -2, 64); // the signed reading of 0xffff_ffff_ffff_fffe
        assert.equal(m.load(at, 64), -2);
        assert.equal(m.load(at, 8), littleEndian ? 0xfe : 0xff);
        m.store(at, 0xffe0000000000000n, 64); // -2^53: beyond the number form
        assert.equal(m.load(at, 64), 0xffe0000000000000n);
      }
    });
  }
  it('faults outside mapped pages unless a fill policy creates them', () => {
    const m = new ConcreteMemory({ littleEndian: true });
    assert.throws(() => m.load(0x5000, 32), MemoryFault);
    const f = new ConcreteMemory({ littleEndian: true, fill: () => new Uint8Array(4096).fill(0xab) });
    assert.equal(f.load(0x5000, 16), 0xabab);
  });
});
