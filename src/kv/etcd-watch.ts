import { type Clock, sleep } from "../platform/clock.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import type { EtcdGateway } from "./etcd-gateway.ts";
import { type EtcdWatchEvent, parseWatchLine, toBase64 } from "./etcd-wire.ts";
import { readLinesBounded } from "./bounded-lines.ts";
import { assertNever } from "../platform/assert-never.ts";

/**
 * One etcd watch over a key range through the gateway's streaming `/v3/watch`, kept open:
 * when the stream breaks (etcd restarted, the endpoint died, the network dropped) it is opened
 * again, on the next endpoint when need be, after a growing delay, from the revision after the
 * last one delivered, so no change in between is missed unless etcd compacted it away (then
 * `problem` says so). A revision may be delivered twice after a reconnect; never skipped.
 */

export interface EtcdWatchOptions {
  gateway: EtcdGateway;
  clock: Clock;
  key: Uint8Array;
  rangeEnd: Uint8Array;
  keyBytesMax: number;
  /** Called from the stream's read loop, in revision order; must not throw. */
  onEvents(events: EtcdWatchEvent[]): void;
  reconnectDelayMinMs?: number;
  reconnectDelayMaxMs?: number;
}

/** One message of the stream; etcd splits larger ones when asked for fragments (its default request limit is 1.5 MiB). */
const WATCH_LINE_BYTES_MAX = 8 * 1024 * 1024;
/** Events in one message at most; a fragmented message holds far fewer. */
const WATCH_EVENTS_MAX = 100_000;

export class EtcdWatch {
  private readonly stopper = new AbortController();
  private running: Promise<void> | undefined;
  /** The first revision not yet delivered; undefined until the first stream was created. */
  private nextRevision: bigint | undefined;
  /** Why the watch is not connected now (or what it missed); undefined while healthy. */
  problem: string | undefined;
  /** Streams opened so far; the first is 1. */
  streamsOpened = 0;

  constructor(private readonly options: EtcdWatchOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopper.abort(new SatelliteError("kv_etcd_watch_stopped", "the etcd watch was stopped"));
    await this.running;
  }

  private async loop(): Promise<void> {
    const min = this.options.reconnectDelayMinMs ?? 100;
    const max = this.options.reconnectDelayMaxMs ?? 5_000;
    let delayMs = min;
    while (!this.stopper.signal.aborted) {
      try {
        const healthy = await this.followOneStreamUntilStopped();
        if (healthy) delayMs = min;
      } catch (error) {
        if (this.stopper.signal.aborted) return;
        this.problem = `the etcd watch is disconnected: ${describeError(error)}`;
      }
      if (this.stopper.signal.aborted) return;
      try {
        await sleep(this.options.clock, delayMs, this.stopper.signal);
      } catch {
        return;
      }
      delayMs = Math.min(max, delayMs * 2);
    }
  }

  /**
   * One stream with a signal of its own, aborted by stop(): the stop signal lives as long as the
   * watch, so nothing per stream may stay attached to it after the stream ended.
   */
  private async followOneStreamUntilStopped(): Promise<boolean> {
    const stream = new AbortController();
    const abort = (): void => stream.abort(this.stopper.signal.reason);
    this.stopper.signal.addEventListener("abort", abort, { once: true });
    try {
      return await this.followOneStream(stream.signal);
    } finally {
      this.stopper.signal.removeEventListener("abort", abort);
      stream.abort();
    }
  }

  /** Follows one stream until it ends; true when it had been created (a healthy connection). */
  private async followOneStream(signal: AbortSignal): Promise<boolean> {
    const request: Record<string, unknown> = { key: toBase64(this.options.key), range_end: toBase64(this.options.rangeEnd), fragment: true };
    if (this.nextRevision !== undefined) request.start_revision = String(this.nextRevision);
    const { response, endpoint } = await this.options.gateway.open("/v3/watch", { create_request: request }, signal);
    this.streamsOpened++;
    let created = false;
    for await (const line of readLinesBounded(response, WATCH_LINE_BYTES_MAX, `etcd at ${endpoint}`)) {
      if (line.trim() === "") continue;
      const message = parseWatchLine(endpoint, line, WATCH_EVENTS_MAX, this.options.keyBytesMax);
      switch (message.kind) {
        case "created":
          created = true;
          this.problem = undefined;
          this.nextRevision ??= BigInt(message.revision) + 1n;
          break;
        case "events": {
          this.options.onEvents(message.events);
          const revisions = message.events.map((e) => BigInt(e.modRevision));
          // A fragment leaves events of its last revision for the next message: resume at that revision.
          const resumeAt = message.fragment ? revisions.reduce((a, b) => (a < b ? a : b)) : revisions.reduce((a, b) => (a > b ? a : b)) + 1n;
          if (this.nextRevision === undefined || resumeAt > this.nextRevision) this.nextRevision = resumeAt;
          break;
        }
        case "progress":
          if (this.nextRevision === undefined || BigInt(message.revision) + 1n > this.nextRevision) this.nextRevision = BigInt(message.revision) + 1n;
          break;
        case "compacted":
          this.problem = `etcd at ${endpoint} compacted its history up to revision ${message.compactRevision} before the watch caught up: changes before it were not seen`;
          this.nextRevision = BigInt(message.compactRevision);
          return created;
        case "canceled":
          throw new SatelliteError("kv_etcd_watch_canceled", `etcd at ${endpoint} ended the watch: ${message.reason}`);
        default:
          assertNever(message);
      }
    }
    if (!this.stopper.signal.aborted) this.problem = `the etcd watch stream from ${endpoint} ended; reconnecting`;
    return created;
  }
}
