import type { Clock, Timer } from "../../platform/clock.ts";
import { SatelliteError } from "../../platform/errors.ts";
import type { StreamMemory } from "./stream-memory.ts";
import { WireError } from "./wire-error.ts";

/**
 * Bytes arriving on a stream, read with a deadline. The socket glue pushes chunks; the
 * stream decoder asks for "at least n bytes" and gets them, or an error when the peer
 * closes early, the deadline passes, or n exceeds the size limit.
 */
export interface ByteSource {
  /** Everything received so far (and not consumed). */
  bytes(): Uint8Array;
  /** Resolves once bytes().length >= n. */
  waitFor(n: number): Promise<void>;
}

interface Waiter {
  n: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class StreamBuffer implements ByteSource {
  private buf = new Uint8Array(1024);
  private len = 0;
  private ended = false;
  private failure: unknown;
  private waiter: Waiter | undefined;
  private timer: Timer | undefined;
  private timedOut = false;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly maxBytes: number,
    private readonly what = "stream",
    /** When given, every byte the buffer grows by is reserved here first (incoming streams). */
    private readonly memory?: StreamMemory,
  ) {}

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    if (this.len + chunk.length > this.maxBytes + 65536) {
      this.fail(new WireError(`${this.what}: peer sent more than the ${this.maxBytes}-byte limit`, "too_large"));
      return;
    }
    if (this.len + chunk.length > this.buf.length) {
      // Grow to what is needed, never past the limit plus one chunk (enough to fail a read
      // cleanly), and only with memory reserved for the difference.
      let size = this.buf.length * 2;
      while (size < this.len + chunk.length) size *= 2;
      size = Math.max(this.len + chunk.length, Math.min(size, this.maxBytes + 65536));
      try {
        this.memory?.reserve(size - this.buf.length, "buffering the stream");
      } catch (error) {
        this.fail(error);
        return;
      }
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    this.settle();
  }

  /** The peer closed its side (or the socket failed with `error`). */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.settle();
  }

  fail(error: unknown): void {
    this.end(error);
  }

  waitFor(n: number): Promise<void> {
    if (n > this.maxBytes) {
      return Promise.reject(new WireError(`${this.what}: message needs ${n} bytes, over the ${this.maxBytes}-byte limit`, "too_large"));
    }
    if (this.len >= n) return Promise.resolve();
    if (this.ended) return Promise.reject(this.endError(n));
    if (this.timedOut) return Promise.reject(this.timeoutError());
    return new Promise<void>((resolve, reject) => {
      this.waiter = { n, resolve, reject };
      if (!this.timer) {
        this.timer = this.clock.setTimer(this.timeoutMs, () => {
          this.timer = undefined;
          this.timedOut = true;
          const w = this.waiter;
          this.waiter = undefined;
          w?.reject(this.timeoutError());
        });
      }
    });
  }

  /** Stops the deadline timer; call when done reading. */
  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private timeoutError(): SatelliteError {
    return new SatelliteError("GOSSIP_STREAM_TIMEOUT", `${this.what}: no complete message within ${this.timeoutMs} ms`, {
      hint: "the peer is slow or stuck; it will be retried on the next round",
    });
  }

  private endError(n: number): unknown {
    if (this.failure) return this.failure;
    return new WireError(`${this.what}: peer closed the stream after ${this.len} bytes, message needs ${n}`);
  }

  private settle(): void {
    const w = this.waiter;
    if (!w) return;
    if (this.len >= w.n) {
      this.waiter = undefined;
      w.resolve();
    } else if (this.ended) {
      this.waiter = undefined;
      w.reject(this.endError(w.n));
    }
  }
}

/** A ByteSource over bytes already in memory (decrypted or decompressed stream bodies). */
export function memorySource(data: Uint8Array): ByteSource {
  return {
    bytes: () => data,
    waitFor: (n) =>
      n <= data.length
        ? Promise.resolve()
        : Promise.reject(new WireError(`message needs ${n} bytes, only ${data.length} present`)),
  };
}
