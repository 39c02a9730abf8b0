/**
 * Our wall clock rides at the end of every ack payload we send, after serf's coordinate:
 * serf reads one msgpack value and ignores trailing bytes, so serf peers are unaffected.
 * Trailer: "SATT" + float64 BE Unix ms (12 bytes).
 */
const MARKER = [0x53, 0x41, 0x54, 0x54];
const TRAILER_BYTES = 12;

export function appendWallClock(payload: Uint8Array, wallMs: number): Uint8Array {
  const out = new Uint8Array(payload.length + TRAILER_BYTES);
  out.set(payload, 0);
  out.set(MARKER, payload.length);
  new DataView(out.buffer).setFloat64(payload.length + 4, wallMs, false);
  return out;
}

/** The sender's wall clock, or undefined when the payload has no trailer (a serf peer). */
export function readWallClock(payload: Uint8Array): number | undefined {
  if (payload.length < TRAILER_BYTES) return undefined;
  const at = payload.length - TRAILER_BYTES;
  for (let i = 0; i < 4; i++) if (payload[at + i] !== MARKER[i]) return undefined;
  const ms = new DataView(payload.buffer, payload.byteOffset).getFloat64(at + 4, false);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The payload with our trailer removed, for the coordinate decoder. */
export function stripWallClock(payload: Uint8Array): Uint8Array {
  return readWallClock(payload) === undefined ? payload : payload.subarray(0, payload.length - TRAILER_BYTES);
}

/**
 * Clock offset of a peer relative to us: its clock at the ack, plus half the round trip,
 * minus our clock when the ack arrived. Positive = the peer is ahead.
 */
export function clockOffsetMs(peerWallMs: number, rttMs: number, localWallAtAckMs: number): number {
  return peerWallMs + rttMs / 2 - localWallAtAckMs;
}
