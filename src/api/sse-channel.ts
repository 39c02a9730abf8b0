/**
 * The body of one Server-Sent Events response, with backpressure: `write` resolves once the
 * client has taken enough that at most `bufferedBytesMax` wait in the stream, so a client that
 * reads slowly slows its writer (whose own queue then drops and counts) instead of growing
 * memory. Closing, by either side, resolves every pending write and calls `onClosed` once.
 */
export interface SseChannel {
  body: ReadableStream<Uint8Array>;
  /** Resolves when the bytes are taken or buffered within the bound; false when the channel is closed. */
  write(bytes: Uint8Array): Promise<boolean>;
  /** Appends without waiting (a heartbeat) when there is room; false when full or closed. */
  offer(bytes: Uint8Array): boolean;
  /** Ends the response (agent stopping); idempotent. */
  close(): void;
  readonly closed: boolean;
}

export function createSseChannel(bufferedBytesMax: number, onClosed: () => void): SseChannel {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let roomWaiters: (() => void)[] = [];
  const wakeWriters = () => {
    const waiters = roomWaiters;
    roomWaiters = [];
    for (const wake of waiters) wake();
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    wakeWriters();
    onClosed();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      // Called when the client took data and there is room again.
      pull() {
        wakeWriters();
      },
      // The client went away (the server cancels the body).
      cancel() {
        finish();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: bufferedBytesMax }),
  );
  const hasRoom = () => (controller.desiredSize ?? 0) > 0;
  return {
    body,
    async write(bytes) {
      while (!closed && !hasRoom()) await new Promise<void>((resolve) => roomWaiters.push(resolve));
      if (closed) return false;
      controller.enqueue(bytes);
      return true;
    },
    offer(bytes) {
      if (closed || !hasRoom()) return false;
      controller.enqueue(bytes);
      return true;
    },
    close() {
      if (closed) return;
      try {
        controller.close();
      } catch {
        // Already errored or closed by the runtime.
      }
      finish();
    },
    get closed() {
      return closed;
    },
  };
}
