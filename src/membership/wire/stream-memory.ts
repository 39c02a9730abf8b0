import { WireError } from "./wire-error.ts";

/**
 * Memory that incoming streams hold: received bytes, a decrypted copy, decompressed output.
 * Each stream has its own ceiling, and all of a net's streams share one pool, so neither one
 * large stream nor many slow ones can take more than the pool. A reservation over either
 * bound throws a WireError (`too_large` for the stream, `over_budget` for the pool) and the
 * stream is closed; its memory returns to the pool when it ends.
 */
export class StreamMemoryPool {
  private used = 0;

  constructor(readonly totalBytesMax: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Bytes still free in the pool. */
  available(): number {
    return Math.max(0, this.totalBytesMax - this.used);
  }

  /** An account for one stream, holding at most `streamBytesMax`. */
  open(streamBytesMax: number, what: string): StreamMemory {
    return new StreamMemory(this, streamBytesMax, what);
  }

  /** @internal */
  take(bytes: number): boolean {
    if (this.used + bytes > this.totalBytesMax) return false;
    this.used += bytes;
    return true;
  }

  /** @internal */
  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

export class StreamMemory {
  private held = 0;
  private released = false;

  constructor(
    private readonly pool: StreamMemoryPool,
    readonly streamBytesMax: number,
    private readonly what: string,
  ) {}

  get heldBytes(): number {
    return this.held;
  }

  /** Most bytes one more reservation may take (the smaller of what is left to the stream and to the pool). */
  available(): number {
    return Math.max(0, Math.min(this.streamBytesMax - this.held, this.pool.available()));
  }

  /** Takes `bytes` for `purpose`, or throws (the caller then closes the stream). */
  reserve(bytes: number, purpose: string): void {
    if (this.released) throw new WireError(`${this.what}: memory reserved after the stream ended`, "malformed");
    if (this.held + bytes > this.streamBytesMax) {
      throw new WireError(`${this.what}: ${purpose} would hold ${this.held + bytes} bytes, over the ${this.streamBytesMax}-byte limit per stream`, "too_large");
    }
    if (!this.pool.take(bytes)) {
      throw new WireError(
        `${this.what}: ${purpose} needs ${bytes} bytes and incoming streams already hold ${this.pool.usedBytes} of ${this.pool.totalBytesMax}`,
        "over_budget",
      );
    }
    this.held += bytes;
  }

  /** Returns everything to the pool; call once when the stream ends. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.give(this.held);
    this.held = 0;
  }
}
