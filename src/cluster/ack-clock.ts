import { readUint32BE, writeUint32BE } from "../platform/bytes.ts";

/**
 * Our wall clock rides at the end of every ack payload we send, after serf's coordinate:
 * serf reads one msgpack value and ignores trailing bytes, so serf peers are unaffected.
 * Trailer: "SATH" + float64 BE Unix ms + u32 BE hash of the sender's published probe list
 * (16 bytes; the hash tells the prober whether its copy of that list is current, see
 * probe-sync.ts), or the older "SATT" + float64 BE Unix ms (12 bytes, no hash).
 */
const CLOCK_MARKER = [0x53, 0x41, 0x54, 0x54];
const CLOCK_TRAILER_BYTES = 12;
const HASH_MARKER = [0x53, 0x41, 0x54, 0x48];
const HASH_TRAILER_BYTES = 16;

/**
 * Float64 conversions go through this scratch: a DataView over the payload's own `buffer`
 * would make the runtime give each small ack its own ArrayBuffer, on every ack.
 */
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

function putFloat64(out: Uint8Array, at: number, value: number): void {
  scratch.setFloat64(0, value, false);
  out.set(scratchBytes, at);
}

function getFloat64(payload: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) scratchBytes[i] = payload[at + i] as number;
  return scratch.getFloat64(0, false);
}

export function appendWallClock(payload: Uint8Array, wallMs: number): Uint8Array {
  const out = new Uint8Array(payload.length + CLOCK_TRAILER_BYTES);
  out.set(payload, 0);
  out.set(CLOCK_MARKER, payload.length);
  putFloat64(out, payload.length + 4, wallMs);
  return out;
}

/** The wall clock and the hash of this node's published probe list (u32), after `payload`. */
export function appendAckTrailer(payload: Uint8Array, wallMs: number, listHash: number): Uint8Array {
  const out = new Uint8Array(payload.length + HASH_TRAILER_BYTES);
  out.set(payload, 0);
  out.set(HASH_MARKER, payload.length);
  putFloat64(out, payload.length + 4, wallMs);
  writeUint32BE(out, payload.length + 12, listHash >>> 0);
  return out;
}

function hasMarker(payload: Uint8Array, at: number, marker: readonly number[]): boolean {
  if (at < 0) return false;
  for (let i = 0; i < 4; i++) if (payload[at + i] !== marker[i]) return false;
  return true;
}

function trailerStart(payload: Uint8Array): { at: number; bytes: number } | undefined {
  if (hasMarker(payload, payload.length - HASH_TRAILER_BYTES, HASH_MARKER)) return { at: payload.length - HASH_TRAILER_BYTES, bytes: HASH_TRAILER_BYTES };
  if (hasMarker(payload, payload.length - CLOCK_TRAILER_BYTES, CLOCK_MARKER)) return { at: payload.length - CLOCK_TRAILER_BYTES, bytes: CLOCK_TRAILER_BYTES };
  return undefined;
}

/** The sender's wall clock, or undefined when the payload has no trailer (a serf peer). */
export function readWallClock(payload: Uint8Array): number | undefined {
  const trailer = trailerStart(payload);
  if (!trailer) return undefined;
  const ms = getFloat64(payload, trailer.at + 4);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The hash of the sender's published probe list, or undefined when the ack carries none. */
export function readListHash(payload: Uint8Array): number | undefined {
  const trailer = trailerStart(payload);
  if (trailer?.bytes !== HASH_TRAILER_BYTES) return undefined;
  return readUint32BE(payload, trailer.at + 12);
}

/** The payload with our trailer removed, for the coordinate decoder. */
export function stripWallClock(payload: Uint8Array): Uint8Array {
  const trailer = trailerStart(payload);
  return trailer ? payload.subarray(0, trailer.at) : payload;
}

/**
 * Clock offset of a peer relative to us: its clock at the ack, plus half the round trip,
 * minus our clock when the ack arrived. Positive = the peer is ahead.
 */
export function clockOffsetMs(peerWallMs: number, rttMs: number, localWallAtAckMs: number): number {
  return peerWallMs + rttMs / 2 - localWallAtAckMs;
}
