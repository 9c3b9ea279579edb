/**
 * A register file: every register name as a location, built from one table per architecture.
 * Full-width registers sit at multiples of the slot size; sub-registers name a byte range inside
 * one (x86 `ah` is rax's offset + 1), so overlap is explicit and computed, never copied.
 */
import type { Loc } from './ir.js';

export interface RegisterSpec {
  /** Full-width registers, in slot order. Aliases name the same slot (`fp` = `r11`). */
  readonly full: readonly (string | readonly string[])[];
  /** Bits per slot (32 or 64); vector/FP slots may be wider. */
  readonly slotWidth: number;
  /** Sub-registers: name → [full register, byte offset inside it, width in bits]. */
  readonly sub?: Readonly<Record<string, readonly [string, number, number]>>;
  /** Extra register groups with their own slot width (e.g. 128-bit xmm, 64-bit d0-d31). */
  readonly wide?: readonly { readonly names: readonly string[]; readonly width: number; readonly sub?: Readonly<Record<string, readonly [string, number, number]>> }[];
  readonly flags: readonly string[];
}

export class RegisterFile {
  private readonly byName = new Map<string, Loc>();
  private readonly flagByName = new Map<string, Loc>();
  /** Slot index → [byte offset, width in bits, canonical name]. */
  readonly slots: { readonly offset: number; readonly width: number; readonly name: string }[] = [];
  private readonly slotAt = new Map<number, number>();
  /** Byte offset → the slot holding that byte (x86-64 has 168 slots: a scan per lookup showed in profiles). */
  private readonly slotByByte: Int32Array;
  readonly flagNames: readonly string[];

  constructor(spec: RegisterSpec) {
    let offset = 0;
    const addSlot = (names: string | readonly string[], width: number) => {
      const list = typeof names === 'string' ? [names] : names;
      const loc: Loc = { space: 'reg', offset, width };
      this.slotAt.set(offset, this.slots.length);
      this.slots.push({ offset, width, name: list[0]! });
      for (const n of list) this.byName.set(n, loc);
      offset += width / 8;
    };
    for (const r of spec.full) addSlot(r, spec.slotWidth);
    for (const g of spec.wide ?? []) for (const n of g.names) addSlot(n, g.width);
    this.slotByByte = new Int32Array(offset).fill(-1);
    this.slots.forEach((s, i) => this.slotByByte.fill(i, s.offset, s.offset + s.width / 8));
    const subs = { ...(spec.sub ?? {}), ...Object.assign({}, ...(spec.wide ?? []).map((g) => g.sub ?? {})) } as Record<string, readonly [string, number, number]>;
    for (const [name, [full, byte, width]] of Object.entries(subs)) {
      const base = this.byName.get(full);
      if (!base) throw new Error(`register file: ${name} names unknown register ${full}`);
      this.byName.set(name, { space: 'reg', offset: base.offset + byte, width });
    }
    spec.flags.forEach((f, i) => this.flagByName.set(f, { space: 'flag', offset: i, width: 1 }));
    this.flagNames = spec.flags;
  }

  /** The location of a register; throws for a name the file does not have (a lifter bug). */
  reg(name: string): Loc {
    const l = this.byName.get(name);
    if (!l) throw new Error(`unknown register ${name}`);
    return l;
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  flag(name: string): Loc {
    const l = this.flagByName.get(name);
    if (!l) throw new Error(`unknown flag ${name}`);
    return l;
  }
  /** The slot holding a register location, and the bit position of the location inside it. */
  slotOf(loc: Loc): { slot: number; shift: number } {
    const i = this.slotByByte[loc.offset] ?? -1;
    const s = this.slots[i];
    if (s && loc.offset + loc.width / 8 <= s.offset + s.width / 8) return { slot: i, shift: (loc.offset - s.offset) * 8 };
    throw new Error(`register location ${loc.offset}:${loc.width} is in no slot`);
  }
  /** A readable name for a location (the register or flag it is, else `slot[bits]`). */
  nameOf(loc: Loc): string {
    if (loc.space === 'flag') return this.flagNames[loc.offset] ?? `flag${loc.offset}`;
    for (const [n, l] of this.byName) if (l.offset === loc.offset && l.width === loc.width) return n;
    const { slot, shift } = this.slotOf(loc);
    return `${this.slots[slot]!.name}[${shift}:${shift + loc.width}]`;
  }
}
