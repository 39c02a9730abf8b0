import { MsgExt, type MsgMap, type MsgValue } from "./msgpack-reader.ts";
import { decodeUtf8 } from "./utf8.ts";
import { WireError } from "./wire-error.ts";

/**
 * Reading Go structs out of decoded msgpack the way Go's codec does: a missing or nil field
 * is the zero value, unknown fields are ignored, a field of the wrong kind is an error.
 */
export function asStruct(v: MsgValue, what: string): MsgMap {
  if (v === null) return new Map();
  if (v instanceof Map) return v;
  throw new WireError(`${what}: expected a msgpack map, got ${kindOf(v)}`);
}

export function kindOf(v: MsgValue): string {
  if (v === null) return "nil";
  if (v instanceof Uint8Array) return "string";
  if (v instanceof Map) return "map";
  if (v instanceof MsgExt) return "ext";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function field(m: MsgMap, name: string): MsgValue | undefined {
  const v = m.get(name);
  return v === null ? undefined : v;
}

export function fieldUint(m: MsgMap, name: string, max: number, what: string): number {
  const v = field(m, name);
  if (v === undefined) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
    throw new WireError(`${what}.${name}: expected an unsigned integer <= ${max}, got ${describe(v)}`);
  }
  return v;
}

export function fieldInt(m: MsgMap, name: string, what: string): number {
  const v = field(m, name);
  if (v === undefined) return 0;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new WireError(`${what}.${name}: expected an integer, got ${describe(v)}`);
  }
  return v;
}

export function fieldFloat(m: MsgMap, name: string, what: string): number {
  const v = field(m, name);
  if (v === undefined) return 0;
  if (typeof v !== "number") throw new WireError(`${what}.${name}: expected a number, got ${describe(v)}`);
  return v;
}

export function fieldBool(m: MsgMap, name: string, what: string): boolean {
  const v = field(m, name);
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new WireError(`${what}.${name}: expected a bool, got ${describe(v)}`);
  return v;
}

export function fieldString(m: MsgMap, name: string, what: string): string {
  const v = field(m, name);
  if (v === undefined) return "";
  return valueString(v, `${what}.${name}`);
}

export function valueString(v: MsgValue, what: string): string {
  if (v === null) return "";
  if (v instanceof Uint8Array) return decodeUtf8(v);
  throw new WireError(`${what}: expected a string, got ${describe(v)}`);
}

/** A Go []byte: raw/bin, nil, or (as Go also accepts) an array of small integers. */
export function fieldBytes(m: MsgMap, name: string, what: string): Uint8Array {
  const v = field(m, name);
  if (v === undefined) return new Uint8Array(0);
  return valueBytes(v, `${what}.${name}`);
}

export function valueBytes(v: MsgValue, what: string): Uint8Array {
  if (v === null) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v.slice();
  if (Array.isArray(v)) {
    const out = new Uint8Array(v.length);
    v.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 255) {
        throw new WireError(`${what}[${i}]: expected a byte, got ${describe(x)}`);
      }
      out[i] = x;
    });
    return out;
  }
  throw new WireError(`${what}: expected bytes, got ${describe(v)}`);
}

export function fieldArray(m: MsgMap, name: string, what: string): MsgValue[] {
  const v = field(m, name);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new WireError(`${what}.${name}: expected an array, got ${describe(v)}`);
  return v;
}

export function fieldMap(m: MsgMap, name: string, what: string): MsgMap {
  const v = field(m, name);
  if (v === undefined) return new Map();
  if (!(v instanceof Map)) throw new WireError(`${what}.${name}: expected a map, got ${describe(v)}`);
  return v;
}

function describe(v: MsgValue): string {
  if (typeof v === "number" || typeof v === "boolean") return `${kindOf(v)} ${v}`;
  return kindOf(v);
}
