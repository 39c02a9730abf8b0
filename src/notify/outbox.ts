import { z } from "zod";
import { NOTIFIABLE_CHANGES } from "../config/notifiers-schema.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import { isProblem } from "./alert-state.ts";
import type { Notification, NotifiedState } from "./notification.ts";
import type { NotifyFiles } from "./notify-platform.ts";

/** Notifications kept per notifier; past it the oldest is dropped (and reported). */
export const OUTBOX_LENGTH_MAX = 500;
/** Acknowledged subject states kept per notifier; past it the oldest resolved ones go first. */
export const NOTIFIED_MAX = 5000;
/** The state file is refused beyond this (500 notifications and 5000 states take far less). */
export const OUTBOX_FILE_BYTES_MAX = 8 << 20;

const text = (max: number) => z.string().max(max);
const alertSchema = () =>
  z.object({
    subject: text(1024),
    kind: z.enum(["probe", "node", "cluster"]),
    state: z.enum(["running", "failed", "degraded", "left"]),
    node: text(253).optional(),
    checker: text(253).optional(),
    severity: z.enum(["critical", "warning"]),
    error: text(4096).optional(),
    nodeTags: z.record(text(128), text(512)).optional(),
    sinceMs: z.number().nonnegative(),
  });
const notificationSchema = () =>
  z.object({
    key: z.string().regex(/^[0-9a-f]{20}$/),
    previousKey: z.string().regex(/^([0-9a-f]{20})?$/),
    subjectId: z.string().regex(/^[0-9a-f]{12}$/),
    change: z.enum(NOTIFIABLE_CHANGES),
    previousState: z.enum(["running", "failed", "degraded", "left"]),
    repeat: z.boolean(),
    deliver: z.boolean(),
    alert: alertSchema(),
    createdAtMs: z.number().nonnegative(),
    attempts: z.number().int().nonnegative().max(1e9),
    nextAttemptAtMs: z.number().nonnegative(),
    lastError: text(4096).optional(),
  });
const notifiedSchema = () => z.object({ state: z.enum(["running", "failed", "degraded", "left"]), key: z.string().regex(/^([0-9a-f]{20})?$/), atMs: z.number().nonnegative() });
const fileSchema = () =>
  z.object({
    version: z.literal(1),
    notifier: z.string(),
    queue: z.array(z.unknown()).max(OUTBOX_LENGTH_MAX * 2),
    notified: z.record(z.string().regex(/^[0-9a-f]{12}$/), notifiedSchema()),
  });

/**
 * One notifier's durable state in the state directory: the notifications not yet delivered
 * (oldest first) and the acknowledged state of every subject. Every change is written through
 * at once (a private temp file renamed over the old one), so an agent restart resumes where it
 * stopped; a file that cannot be read is set aside in the log and the outbox starts empty.
 */
export class Outbox {
  queue: Notification[] = [];
  readonly notified = new Map<string, NotifiedState>();

  constructor(
    private readonly path: string,
    private readonly notifier: string,
    private readonly files: NotifyFiles,
    private readonly logger: Logger,
  ) {}

  load(): void {
    let raw: string | undefined;
    try {
      raw = this.files.read(this.path, OUTBOX_FILE_BYTES_MAX);
    } catch (error) {
      this.logger.error("cannot read the notification outbox; starting with an empty one", { notifier: this.notifier, path: this.path, error: describeError(error) });
      return;
    }
    if (raw === undefined) return;
    // The schemas are built for this read (once per notifier start) and dropped with it.
    let parsed: z.infer<ReturnType<typeof fileSchema>>;
    try {
      parsed = fileSchema().parse(JSON.parse(raw));
    } catch (error) {
      this.logger.error("the notification outbox is malformed; starting with an empty one", { notifier: this.notifier, path: this.path, error: describeError(error).split("\n")[0] });
      return;
    }
    const notification = notificationSchema();
    for (const item of parsed.queue) {
      const entry = notification.safeParse(item);
      if (entry.success) this.queue.push(entry.data as Notification);
    }
    this.queue = this.queue.slice(-OUTBOX_LENGTH_MAX);
    for (const [id, state] of Object.entries(parsed.notified)) this.notified.set(id, state);
  }

  /** Appends; returns what fell out of the bounded queue (oldest first), for reporting. */
  enqueue(entries: readonly Notification[]): Notification[] {
    this.queue.push(...entries);
    const overflow = this.queue.length - OUTBOX_LENGTH_MAX;
    return overflow > 0 ? this.queue.splice(0, overflow) : [];
  }

  remove(key: string): void {
    this.queue = this.queue.filter((n) => n.key !== key);
  }

  /** Records an acknowledged state; drops queued notifications the acknowledgment makes redundant. */
  acknowledge(subjectId: string, state: NotifiedState): void {
    this.notified.delete(subjectId);
    this.notified.set(subjectId, state);
    this.queue = this.queue.filter((n) => n.key !== state.key);
    if (this.notified.size <= NOTIFIED_MAX) return;
    // Map order is insertion order, and every update re-inserts: the first resolved entries are the oldest.
    for (const [id, s] of this.notified) {
      if (this.notified.size <= NOTIFIED_MAX) break;
      if (!isProblem(s.state)) this.notified.delete(id);
    }
    for (const id of this.notified.keys()) {
      if (this.notified.size <= NOTIFIED_MAX) break;
      this.notified.delete(id);
    }
  }

  save(): void {
    const document = { version: 1, notifier: this.notifier, queue: this.queue, notified: Object.fromEntries(this.notified) };
    try {
      this.files.writeAtomic(this.path, `${JSON.stringify(document)}\n`);
    } catch (error) {
      this.logger.error("cannot write the notification outbox; undelivered notifications would not survive a restart", { notifier: this.notifier, path: this.path, error: describeError(error) });
    }
  }
}
