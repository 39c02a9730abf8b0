import { SatelliteError } from "../platform/errors.ts";
import { asStruct, fieldArray, fieldFloat, valueString } from "../membership/wire/go-fields.ts";
import { META_MAX_SIZE } from "../membership/wire/message-type.ts";
import { MsgpackReader } from "../membership/wire/msgpack-reader.ts";
import { MsgpackWriter } from "../membership/wire/msgpack-writer.ts";
import { WireError } from "../membership/wire/wire-error.ts";

/** serf's node meta (tags) and the Vivaldi coordinate it carries in ack payloads. */
/** serf's tag meta marker; meta without it is a pre-tags "role" string. */
const TAG_MAGIC = 0xff;

/** Tags -> node meta: 0xFF + msgpack map[string]string, at most 512 bytes. */
export function encodeTags(tags: Readonly<Record<string, string>>): Uint8Array {
  const entries = Object.entries(tags);
  const w = new MsgpackWriter(64);
  w.byte(TAG_MAGIC).mapHeader(entries.length);
  for (const [k, v] of entries) w.str(k).str(v);
  const out = w.bytes();
  if (out.length > META_MAX_SIZE) {
    throw new SatelliteError("SERF_TAGS_TOO_LARGE", `encoded tags take ${out.length} bytes; serf allows at most ${META_MAX_SIZE}`, {
      hint: "shorten or remove tags (keys and values both count)",
    });
  }
  return out;
}

/** Node meta -> tags, as serf reads it (no magic byte: the whole meta is the "role" tag). */
export function decodeTags(meta: Uint8Array): Record<string, string> {
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  if (meta.length === 0 || meta[0] !== TAG_MAGIC) {
    tags.role = new TextDecoder().decode(meta);
    return tags;
  }
  for (const [k, v] of asStruct(new MsgpackReader(meta, 1).read(), "tags")) tags[k] = valueString(v, `tags.${k}`);
  return tags;
}

/** Most tags a member may carry: serf's 512-byte meta fits about this many one-letter pairs. */
export const TAGS_MAX = 128;

/** C0/C1 controls, DEL, line separators: they would reach logs, terminals and /status raw. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** What is wrong with tags received from another node, or undefined when they are usable. */
export function tagsProblem(tags: Readonly<Record<string, string>>): string | undefined {
  const entries = Object.entries(tags);
  if (entries.length > TAGS_MAX) return `${entries.length} tags, more than ${TAGS_MAX}`;
  for (const [key, value] of entries) {
    if (key === "") return "a tag with an empty name";
    if (CONTROL_CHARS.test(key) || CONTROL_CHARS.test(value)) return "a tag with control characters";
  }
  return undefined;
}

/** serf's Vivaldi coordinate (hashicorp/serf/coordinate). */
export interface Coordinate {
  vec: number[];
  error: number;
  adjustment: number;
  height: number;
}

/** What coordinate.NewCoordinate returns with serf's defaults: 8 dimensions, error 1.5, height 1e-5. */
export function zeroCoordinate(): Coordinate {
  return { vec: new Array<number>(8).fill(0), error: 1.5, adjustment: 0, height: 1e-5 };
}

/** The version byte serf puts before the coordinate in ack payloads. */
const PING_VERSION = 1;

export function encodeAckPayload(c: Coordinate): Uint8Array {
  const w = new MsgpackWriter(128);
  w.byte(PING_VERSION).struct([
    ["Vec", (x) => {
      x.arrayHeader(c.vec.length);
      for (const v of c.vec) x.float64(v);
    }],
    ["Error", (x) => x.float64(c.error)],
    ["Adjustment", (x) => x.float64(c.adjustment)],
    ["Height", (x) => x.float64(c.height)],
  ]);
  return w.bytes();
}

/** undefined for an empty payload (serf ignores those too). */
export function decodeAckPayload(payload: Uint8Array): Coordinate | undefined {
  if (payload.length === 0) return undefined;
  if (payload[0] !== PING_VERSION) throw new WireError(`unsupported ack payload version ${payload[0]}`);
  const m = asStruct(new MsgpackReader(payload, 1).read(), "coordinate");
  const vec = fieldArray(m, "Vec", "coordinate").map((v) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new WireError("coordinate.Vec holds a non-number");
    return v;
  });
  const c = {
    vec,
    error: fieldFloat(m, "Error", "coordinate"),
    adjustment: fieldFloat(m, "Adjustment", "coordinate"),
    height: fieldFloat(m, "Height", "coordinate"),
  };
  if (![c.error, c.adjustment, c.height].every(Number.isFinite)) throw new WireError("coordinate holds a non-finite number");
  return c;
}
