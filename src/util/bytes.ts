import { fileError } from './errors.js';

/**
 * Bounds-checked reads of a byte buffer in one endianness. Every read that would run past the
 * end throws a `truncated` error naming the file and what was being read, so a parser never
 * indexes out of range and never trusts a size it has not checked.
 */
export class ByteReader {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless [offset, offset+size) lies inside the buffer. */
  check(offset: number, size: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > this.bytes.length) {
      throw fileError('truncated', this.file, `${what} at offset ${offset} (size ${size}) lies past the end of the file (${this.bytes.length} bytes)`);
    }
  }

  u8(offset: number, what = 'byte'): number {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }
  u16(offset: number, what = 'u16'): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, this.littleEndian);
  }
  u32(offset: number, what = 'u32'): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, this.littleEndian);
  }
  i32(offset: number, what = 'i32'): number {
    this.check(offset, 4, what);
    return this.view.getInt32(offset, this.littleEndian);
  }
  /** A 64-bit field as a number; values past 2^53 are refused rather than rounded. */
  u64(offset: number, what = 'u64'): number {
    this.check(offset, 8, what);
    const lo = this.view.getUint32(offset + (this.littleEndian ? 0 : 4), this.littleEndian);
    const hi = this.view.getUint32(offset + (this.littleEndian ? 4 : 0), this.littleEndian);
    if (hi > 0x1fffff) {
      throw fileError('corrupt', this.file, `${what} at offset ${offset} is too large (0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')})`);
    }
    return hi * 0x100000000 + lo;
  }
  /** A 64-bit field read as signed (for addends); refuses magnitudes past 2^53. */
  i64(offset: number, what = 'i64'): number {
    this.check(offset, 8, what);
    const v = this.view.getBigInt64(offset, this.littleEndian);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw fileError('corrupt', this.file, `${what} at offset ${offset} is out of range`);
    }
    return Number(v);
  }
  /** Word of the file's class: 4 bytes for ELFCLASS32, 8 for ELFCLASS64. */
  word(offset: number, is64: boolean, what = 'word'): number {
    return is64 ? this.u64(offset, what) : this.u32(offset, what);
  }
  slice(offset: number, size: number, what: string): Uint8Array {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }
  /** NUL-terminated string starting at offset, bounded by `limit` (end of its table). */
  cstring(offset: number, limit: number, what = 'string'): string {
    const end = Math.min(limit, this.bytes.length);
    if (offset < 0 || offset >= end) {
      throw fileError('corrupt', this.file, `${what} offset ${offset} is outside its string table`);
    }
    let i = offset;
    while (i < end && this.bytes[i] !== 0) i++;
    return latin1(this.bytes.subarray(offset, i));
  }
}

const decoder = new TextDecoder('latin1');
function latin1(b: Uint8Array): string {
  return decoder.decode(b);
}
