import type { MsgMap, MsgValue } from "../membership/wire/msgpack-reader.ts";
import { SatelliteError } from "../platform/errors.ts";

/**
 * Strict reading of the fields of a Satellite message: every field is checked for its kind and
 * bound before it is used, and any violation rejects the whole message (no guessing, no
 * partial use). Unknown keys are ignored, so later versions may add fields.
 */
export class MessageError extends SatelliteError {
  constructor(message: string) {
    super("satellite_message_malformed", message, { hint: "a peer sent a Satellite message this version does not accept; it was dropped" });
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
/** Names: no control characters at all. */
const NAME_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f]/;
/** Text (errors, details): line breaks and tabs are fine, other control characters are not. */
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export class Fields {
  constructor(
    private readonly map: MsgMap,
    private readonly what: string,
  ) {}

  static of(value: MsgValue | undefined, what: string): Fields {
    if (!(value instanceof Map)) throw new MessageError(`${what}: expected a map`);
    return new Fields(value, what);
  }

  private get(key: string): MsgValue | undefined {
    const v = this.map.get(key);
    return v === null ? undefined : v;
  }

  /** An integer in 0..max; `fallback` when absent (undefined: required). */
  uint(key: string, max: number, fallback?: number): number {
    const v = this.get(key);
    if (v === undefined) {
      if (fallback === undefined) throw new MessageError(`${this.what}.${key}: missing`);
      return fallback;
    }
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max) throw new MessageError(`${this.what}.${key}: expected an integer within 0..${max}`);
    return v;
  }

  /** A finite number, or undefined when absent. */
  finite(key: string): number | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) throw new MessageError(`${this.what}.${key}: expected a finite number`);
    return v;
  }

  bool(key: string): boolean {
    const v = this.get(key);
    if (v === undefined) return false;
    if (typeof v !== "boolean") throw new MessageError(`${this.what}.${key}: expected a bool`);
    return v;
  }

  /** A name: 1..maxBytes of UTF-8 without control characters. */
  name(key: string, maxBytes: number): string {
    const text = this.optionalText(key, maxBytes, NAME_FORBIDDEN);
    if (text === undefined || text.length === 0) throw new MessageError(`${this.what}.${key}: missing or empty`);
    return text;
  }

  /** Free text up to maxBytes (line breaks allowed), or undefined when absent or empty. */
  text(key: string, maxBytes: number): string | undefined {
    const text = this.optionalText(key, maxBytes, TEXT_FORBIDDEN);
    return text === "" ? undefined : text;
  }

  /** An array of at most maxItems; empty when absent. */
  list(key: string, maxItems: number): MsgValue[] {
    const v = this.get(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new MessageError(`${this.what}.${key}: expected an array`);
    if (v.length > maxItems) throw new MessageError(`${this.what}.${key}: ${v.length} items, more than ${maxItems}`);
    return v;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  private optionalText(key: string, maxBytes: number, forbidden: RegExp): string | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!(v instanceof Uint8Array)) throw new MessageError(`${this.what}.${key}: expected a string`);
    if (v.length > maxBytes) throw new MessageError(`${this.what}.${key}: ${v.length} bytes, more than ${maxBytes}`);
    let text: string;
    try {
      text = strictUtf8.decode(v);
    } catch {
      throw new MessageError(`${this.what}.${key}: not valid UTF-8`);
    }
    if (forbidden.test(text)) throw new MessageError(`${this.what}.${key}: contains control characters`);
    return text;
  }
}

/** Replaces what a receiver would refuse (control characters but line breaks and tabs) with U+FFFD. */
export function sanitizeText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "\uFFFD");
}

/** Names with control characters replaced, for names that are not ours to refuse (a check's). */
export function sanitizeName(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "\uFFFD");
}

/** `text` cut to at most maxBytes of UTF-8 (on a character boundary), marked with an ellipsis when cut. */
export function cutText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  if (maxBytes < 4) return "";
  let end = maxBytes - 3;
  // Back off continuation bytes (10xxxxxx) so the cut lands between characters.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString()}\u2026`;
}
