/**
 * A msgpack writer that produces the bytes Go's old ugorji codec (hashicorp/go-msgpack, as
 * used by memberlist and serf 0.9) produces: strings and byte slices both in the legacy raw
 * family (fixstr, 0xda, 0xdb; never str8 or bin), integers in their smallest unsigned form
 * when non-negative, float64 as 0xcb, and struct fields sorted by name (that codec keeps
 * struct fields sorted and encodes them in that order, whatever the declaration order).
 */
import { writeUint16BE, writeUint32BE } from "../../platform/bytes.ts";

const textEncoder = new TextEncoder();
/** Encoded field names (header + bytes); there are only a few dozen distinct ones. */
const keyCache = new Map<string, Uint8Array>();

/** One Go struct field: its name and how to write its value; undefined = omitted (omitempty). */
export type StructField = readonly [name: string, write: ((w: MsgpackWriter) => void) | undefined];

export class MsgpackWriter {
  private buf: Uint8Array;
  private viewOfBuf: DataView | undefined;
  private len = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
  }

  /** Only for floats and signed and 64-bit integers: reading `buf.buffer` costs a small array its own ArrayBuffer. */
  private get view(): DataView {
    return (this.viewOfBuf ??= new DataView(this.buf.buffer));
  }

  /** Big-endian 16 (n = 2) or 32 (n = 4) bit unsigned integer at `len`; room already ensured. */
  private putUint(v: number, n: 2 | 4): void {
    if (n === 4) writeUint32BE(this.buf, this.len, v);
    else writeUint16BE(this.buf, this.len, v);
    this.len += n;
  }

  get length(): number {
    return this.len;
  }

  /** Starts over, keeping the buffer (for a writer reused across messages). */
  reset(): this {
    this.len = 0;
    return this;
  }

  /** A copy of everything written so far. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.viewOfBuf = undefined;
  }

  byte(b: number): this {
    this.ensure(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  /** Raw bytes appended as they are (no msgpack header). */
  raw(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  nil(): this {
    return this.byte(0xc0);
  }

  bool(v: boolean): this {
    return this.byte(v ? 0xc3 : 0xc2);
  }

  /** Non-negative integer up to 2^53 - 1, in Go's smallest unsigned form. */
  uint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`msgpack uint out of range: ${v}`);
    if (v <= 0x7f) return this.byte(v);
    if (v <= 0xff) return this.byte(0xcc).byte(v);
    this.ensure(9);
    if (v <= 0xffff) {
      this.buf[this.len++] = 0xcd;
      this.putUint(v, 2);
    } else if (v <= 0xffffffff) {
      this.buf[this.len++] = 0xce;
      this.putUint(v, 4);
    } else {
      this.buf[this.len++] = 0xcf;
      this.view.setBigUint64(this.len, BigInt(v));
      this.len += 8;
    }
    return this;
  }

  /** Signed integer as Go encodes an int: non-negative as uint, negative in the smallest form. */
  int(v: number): this {
    if (!Number.isSafeInteger(v)) throw new RangeError(`msgpack int out of range: ${v}`);
    if (v >= 0) return this.uint(v);
    if (v >= -32) return this.byte(v & 0xff);
    this.ensure(9);
    if (v >= -0x80) {
      this.buf[this.len++] = 0xd0;
      this.view.setInt8(this.len, v);
      this.len += 1;
    } else if (v >= -0x8000) {
      this.buf[this.len++] = 0xd1;
      this.view.setInt16(this.len, v);
      this.len += 2;
    } else if (v >= -0x80000000) {
      this.buf[this.len++] = 0xd2;
      this.view.setInt32(this.len, v);
      this.len += 4;
    } else {
      this.buf[this.len++] = 0xd3;
      this.view.setBigInt64(this.len, BigInt(v));
      this.len += 8;
    }
    return this;
  }

  float64(v: number): this {
    this.ensure(9);
    this.buf[this.len++] = 0xcb;
    this.view.setFloat64(this.len, v);
    this.len += 8;
    return this;
  }

  private rawHeader(n: number): void {
    this.ensure(5);
    if (n <= 31) {
      this.buf[this.len++] = 0xa0 | n;
    } else if (n <= 0xffff) {
      this.buf[this.len++] = 0xda;
      this.putUint(n, 2);
    } else {
      this.buf[this.len++] = 0xdb;
      this.putUint(n, 4);
    }
  }

  /** A struct field name; its encoding is cached. */
  key(name: string): this {
    let enc = keyCache.get(name);
    if (!enc) {
      enc = new MsgpackWriter(name.length + 5).str(name).bytes();
      if (keyCache.size < 1024) keyCache.set(name, enc);
    }
    return this.raw(enc);
  }

  /** A Go string (UTF-8) in the raw family. */
  str(s: string): this {
    if (s.length <= 31 && isAscii(s)) {
      this.ensure(1 + s.length);
      this.buf[this.len++] = 0xa0 | s.length;
      for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
      return this;
    }
    const data = textEncoder.encode(s);
    this.rawHeader(data.length);
    return this.raw(data);
  }

  /** A Go []byte in the raw family. */
  bin(data: Uint8Array): this {
    this.rawHeader(data.length);
    return this.raw(data);
  }

  /** A Go []byte that is nil when empty (Go encodes a nil slice as msgpack nil). */
  binOrNil(data: Uint8Array | undefined): this {
    return data === undefined || data.length === 0 ? this.nil() : this.bin(data);
  }

  mapHeader(n: number): this {
    this.ensure(5);
    if (n <= 15) {
      this.buf[this.len++] = 0x80 | n;
    } else if (n <= 0xffff) {
      this.buf[this.len++] = 0xde;
      this.putUint(n, 2);
    } else {
      this.buf[this.len++] = 0xdf;
      this.putUint(n, 4);
    }
    return this;
  }

  arrayHeader(n: number): this {
    this.ensure(5);
    if (n <= 15) {
      this.buf[this.len++] = 0x90 | n;
    } else if (n <= 0xffff) {
      this.buf[this.len++] = 0xdc;
      this.putUint(n, 2);
    } else {
      this.buf[this.len++] = 0xdd;
      this.putUint(n, 4);
    }
    return this;
  }

  /** A Go struct as a map, fields in Go's sorted-name order, omitted fields left out. */
  struct(fields: readonly StructField[]): this {
    // Callers list fields sorted; checking that without allocating keeps the per-packet path lean.
    let count = 0;
    let sorted = true;
    let previous = "";
    for (const [name, write] of fields) {
      if (write === undefined) continue;
      if (count > 0 && !(previous < name)) sorted = false;
      previous = name;
      count++;
    }
    const present = sorted ? fields : fields.filter((f) => f[1] !== undefined).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.mapHeader(count);
    for (const [name, write] of present) {
      if (write === undefined) continue;
      this.key(name);
      write(this);
    }
    return this;
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
