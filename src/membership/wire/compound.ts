import { MessageType } from "./message-type.ts";
import { WireError } from "./wire-error.ts";

/** `[7][count u8][count x len u16 BE][parts...]`; at most 255 parts of at most 65535 bytes. */
export function makeCompound(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length > 255) throw new RangeError(`a compound message holds at most 255 parts, got ${parts.length}`);
  let total = 2 + parts.length * 2;
  for (const p of parts) {
    if (p.length > 0xffff) throw new RangeError(`a compound part is at most 65535 bytes, got ${p.length}`);
    total += p.length;
  }
  const out = new Uint8Array(total);
  out[0] = MessageType.compound;
  out[1] = parts.length;
  let off = 2 + parts.length * 2;
  parts.forEach((p, i) => {
    out[2 + i * 2] = p.length >> 8;
    out[3 + i * 2] = p.length & 0xff;
    out.set(p, off);
    off += p.length;
  });
  return out;
}

export interface CompoundParts {
  parts: Uint8Array[];
  /** Parts announced in the header whose bytes were missing (memberlist logs and skips them). */
  truncated: number;
}

/** Splits a compound body (the bytes after the type byte). */
export function splitCompound(body: Uint8Array): CompoundParts {
  if (body.length < 1) throw new WireError("compound message without its part count");
  const n = body[0] as number;
  if (body.length < 1 + n * 2) throw new WireError(`compound message announces ${n} parts but its length table is cut short`);
  const parts: Uint8Array[] = [];
  let off = 1 + n * 2;
  for (let i = 0; i < n; i++) {
    const len = ((body[1 + i * 2] as number) << 8) | (body[2 + i * 2] as number);
    if (off + len > body.length) return { parts, truncated: n - i };
    parts.push(body.subarray(off, off + len));
    off += len;
  }
  return { parts, truncated: 0 };
}
