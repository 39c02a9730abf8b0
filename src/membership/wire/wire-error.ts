import { SatelliteError } from "../../platform/errors.ts";

/**
 * Why a received packet (or one part of it) was dropped. Stable strings: the net counts drops
 * per reason and exposes them in metrics.
 */
export const DROP_REASONS = [
  "malformed",
  "unknown_type",
  "not_encrypted",
  "decrypt_failed",
  "bad_crc",
  "decompress_failed",
  "too_large",
  "too_deep",
  /** Requests (ping, indirect ping) in one packet beyond the number answered. */
  "too_many_requests",
  /** Incoming streams together already hold all the memory they may (stream-memory.ts). */
  "over_budget",
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const WIRE_MALFORMED = "WIRE_MALFORMED";

/** Bytes that do not decode as memberlist/serf wire data. Never escapes the packet decoder. */
export class WireError extends SatelliteError {
  readonly reason: DropReason;

  constructor(message: string, reason: DropReason = "malformed", cause?: unknown) {
    // Decode failures are the expected outcome of hostile input, thousands a second under a
    // flood, and nobody reads their stack: capturing it was the largest single cost of a
    // fuzzed agent (7 us against 1.7 us per error).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(WIRE_MALFORMED, message, {
        hint: "the peer sent bytes this agent cannot decode; check that both sides speak serf protocol 2..5 and share the same encryption keys",
        cause,
      });
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.name = "WireError";
    this.reason = reason;
  }
}

/**
 * Raised by the msgpack reader when the input ends inside a value. Streams catch it, wait for
 * `needed` bytes in total, and retry; for packets it is just malformed input.
 */
export class WireTruncatedError extends WireError {
  /** Total number of bytes (from the start of the buffer) needed to go further. */
  readonly needed: number;

  constructor(message: string, needed: number) {
    super(message, "malformed");
    this.name = "WireTruncatedError";
    this.needed = needed;
  }
}
