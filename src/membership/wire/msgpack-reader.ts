import { readUint16BE, readUint32BE } from "../../platform/bytes.ts";
import { decodeUtf8 } from "./utf8.ts";
import { WireError, WireTruncatedError } from "./wire-error.ts";

/**
 * A bounded msgpack decoder into plain values. Accepts every msgpack family (legacy raw,
 * str8, bin, ext) because peers built with newer codecs may send them. Strings and byte
 * slices both come out as Uint8Array (the wire does not tell them apart); the typed field
 * accessors (go-fields.ts) convert. Lengths are checked against the bytes actually present
 * before anything is allocated, and nesting is limited.
 */
export type MsgValue = null | boolean | number | Uint8Array | MsgValue[] | MsgMap | MsgExt;
export type MsgMap = Map<string, MsgValue>;

export class MsgExt {
  constructor(
    readonly extType: number,
    readonly data: Uint8Array,
  ) {}
}

export const MAX_MSGPACK_DEPTH = 32;

export class MsgpackReader {
  private viewOfBuf: DataView | undefined;
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    private readonly maxDepth = MAX_MSGPACK_DEPTH,
  ) {
    this.pos = start;
  }

  /**
   * Only for floats and signed and 64-bit integers, which pings, acks and their headers do not
   * carry: reading `buf.buffer` makes the runtime give a small array its own ArrayBuffer.
   */
  private get view(): DataView {
    return (this.viewOfBuf ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new WireTruncatedError(
        `msgpack ${what} needs ${n} bytes at offset ${this.pos}, only ${this.buf.length - this.pos} left`,
        this.pos + n,
      );
    }
  }

  private u8(): number {
    this.need(1, "byte");
    return this.buf[this.pos++] as number;
  }

  private u16(): number {
    this.need(2, "uint16");
    const v = readUint16BE(this.buf, this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4, "uint32");
    const v = readUint32BE(this.buf, this.pos);
    this.pos += 4;
    return v;
  }

  private take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Decodes the next value. Throws WireTruncatedError / WireError. */
  read(): MsgValue {
    return this.value(0);
  }

  private value(depth: number): MsgValue {
    if (depth > this.maxDepth) throw new WireError(`msgpack nesting deeper than ${this.maxDepth}`, "too_deep");
    const b = this.u8();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b >= 0xa0 && b <= 0xbf) return this.take(b & 0x1f, "string");
    if (b >= 0x80 && b <= 0x8f) return this.map(b & 0x0f, depth);
    if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f, depth);
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xd9:
        return this.take(this.u8(), "string");
      case 0xc5:
      case 0xda:
        return this.take(this.u16(), "string");
      case 0xc6:
      case 0xdb:
        return this.take(this.u32(), "string");
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      case 0xca: {
        this.need(4, "float32");
        const v = this.view.getFloat32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xcb: {
        this.need(8, "float64");
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf:
        return this.int64(false);
      case 0xd0: {
        this.need(1, "int8");
        return this.view.getInt8(this.pos++);
      }
      case 0xd1: {
        this.need(2, "int16");
        const v = this.view.getInt16(this.pos);
        this.pos += 2;
        return v;
      }
      case 0xd2: {
        this.need(4, "int32");
        const v = this.view.getInt32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xd3:
        return this.int64(true);
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xdc:
        return this.array(this.u16(), depth);
      case 0xdd:
        return this.array(this.u32(), depth);
      case 0xde:
        return this.map(this.u16(), depth);
      case 0xdf:
        return this.map(this.u32(), depth);
      default:
        throw new WireError(`msgpack: invalid type byte 0x${b.toString(16)} at offset ${this.pos - 1}`);
    }
  }

  private int64(signed: boolean): number {
    this.need(8, "int64");
    const big = signed ? this.view.getBigInt64(this.pos) : this.view.getBigUint64(this.pos);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new WireError(`msgpack integer ${big} at offset ${this.pos} is beyond 2^53`);
    }
    this.pos += 8;
    return Number(big);
  }

  private ext(len: number): MsgExt {
    const t = this.u8();
    return new MsgExt(t, this.take(len, "ext"));
  }

  private array(n: number, depth: number): MsgValue[] {
    // Every element takes at least one byte: reject impossible counts before allocating.
    this.need(n, "array");
    const out: MsgValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
    return out;
  }

  private map(n: number, depth: number): MsgMap {
    this.need(n * 2, "map");
    const out: MsgMap = new Map();
    for (let i = 0; i < n; i++) {
      const keyAt = this.pos;
      const k = this.value(depth + 1);
      let key: string;
      if (k instanceof Uint8Array) key = decodeUtf8(k);
      else if (typeof k === "number") key = String(k);
      else throw new WireError(`msgpack map key at offset ${keyAt} is not a string`);
      out.set(key, this.value(depth + 1));
    }
    return out;
  }
}

/** Decodes exactly one value spanning all of `buf`. */
export function decodeMsgpack(buf: Uint8Array): MsgValue {
  const r = new MsgpackReader(buf);
  const v = r.read();
  if (r.remaining !== 0) throw new WireError(`msgpack: ${r.remaining} trailing bytes after the value`);
  return v;
}
