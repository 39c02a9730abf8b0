import { join } from "node:path";
import type { MaintenanceEndRequest, MaintenanceSource, MaintenanceStartRequest } from "../api/maintenance-routes.ts";
import type { ClusterView, MemberInfo } from "../cluster/cluster-view.ts";
import { maintenanceWindowJson, MaintenanceTable } from "../cluster/maintenance-table.ts";
import {
  decodeMaintenanceMessage,
  describeWindowTarget,
  encodeMaintenanceMessage,
  MAINTENANCE_DURATION_MAX_MS,
  MAINTENANCE_EVENT_NAME,
  MAINTENANCE_PAYLOAD_BYTES_MAX,
  type MaintenanceMessage,
  type MaintenanceWindow,
} from "../cluster/maintenance-window.ts";
import type { EventStream } from "../events/event-stream.ts";
import { assertNever } from "../platform/assert-never.ts";
import type { Clock, Timer } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { PrivateTextFiles } from "../platform/private-text-files.ts";
import type { Random } from "../platform/random.ts";
import { createRateLimitedLog } from "../platform/rate-limited-log.ts";
import { loadMaintenanceFile, MAINTENANCE_FILE_NAME, saveMaintenanceFile } from "./maintenance-file.ts";

/** Windows this node answers for are gossiped again this often, so nodes that missed them (late joiners, healed partitions) learn them. */
export const MAINTENANCE_ANNOUNCE_INTERVAL_MS = 60_000;
/** After a member joins, the announcement waits this long, so a join burst brings one round. */
const JOIN_ANNOUNCE_DELAY_MS = 2000;

export interface MaintenanceDeps {
  nodeName: string;
  stateDir: string;
  clock: Clock;
  random: Random;
  logger: Logger;
  events: EventStream;
  files: PrivateTextFiles;
}

/** What the agent needs of gossip: broadcast a user event, and the members (who answers for an absent author's windows). */
export interface MaintenanceGossip {
  userEvent(name: string, payload: Uint8Array, coalesce?: boolean): void;
  members(): MemberInfo[];
}

export interface Maintenance {
  /** The windows: the cluster view reads them (status rules, markers). */
  table: MaintenanceTable;
  /** Starts gossiping: user events in, announcements and expiry timers. */
  attach(gossip: MaintenanceGossip): void;
  /** What the API uses (GET/POST/DELETE /maintenance). */
  source: MaintenanceSource;
  stop(): void;
}

/**
 * The agent's maintenance windows (docs/maintenance.md): kept in a bounded table, persisted in
 * `<state dir>/maintenance.json` (so a restart keeps them), gossiped as `satellite-maintenance`
 * user events, ended by themselves at `until`, and published as MaintenanceStarted /
 * MaintenanceEnded (the timeline keeps them). Each window is announced again every minute and
 * after a member joins by its author, or, when the author is gone, by the first alive member by
 * name; ends this node made are announced the same way until the window would have ended.
 */
export function createMaintenance(deps: MaintenanceDeps): Maintenance {
  const { clock, events, nodeName } = deps;
  const logger = deps.logger.child({ part: "maintenance" });
  const path = join(deps.stateDir, MAINTENANCE_FILE_NAME);
  const table = new MaintenanceTable();
  /** Ends this node made, by id, with when their window would have ended: announced like starts. */
  const myEnds = new Map<string, number>();
  const refused = createRateLimitedLog(logger, () => clock.monotonicMs(), 60_000);
  for (const problem of loadMaintenanceFile(deps.files, path, table, myEnds, clock.nowMs())) logger.warn("maintenance state ignored", { file: path, problem });
  let gossip: MaintenanceGossip | undefined;
  let timer: Timer | undefined;
  let joinTimer: Timer | undefined;
  let lastAnnounceMs = clock.monotonicMs();
  let unsubscribe: () => void = () => {};

  const save = (): void => {
    try {
      saveMaintenanceFile(deps.files, path, table, myEnds);
    } catch (error) {
      logger.error("cannot keep the maintenance windows; they are lost if the agent restarts", { file: path, error: describeError(error) });
    }
  };
  const publishStarted = (w: MaintenanceWindow): void => void events.publish({ type: "MaintenanceStarted", id: w.id, node: w.node, check: w.check, author: w.author, untilMs: w.untilMs, reason: w.reason });
  const publishEnded = (w: MaintenanceWindow, endedBy: "expired" | "ended", by?: string): void =>
    void events.publish({ type: "MaintenanceEnded", id: w.id, node: w.node, check: w.check, author: w.author, untilMs: w.untilMs, reason: w.reason, endedBy, by });

  const apply = (message: MaintenanceMessage): void => {
    const nowMs = clock.nowMs();
    switch (message.op) {
      case "start": {
        const outcome = table.start(message.window, nowMs);
        if (outcome === "full") refused.log("warn", "full", "maintenance window refused: the table is full", { id: message.window.id, max: table.active().length });
        if (outcome !== "added") return;
        publishStarted(message.window);
        break;
      }
      case "end": {
        // Also an end heard before its start (or for an unknown id) is remembered, so the start is not taken later.
        const window = table.end(message.id, message.atMs + MAINTENANCE_DURATION_MAX_MS);
        if (window) publishEnded(window, "ended", message.by);
        break;
      }
      default:
        return assertNever(message, "maintenance message");
    }
    save();
    arm();
  };

  const broadcast = (message: MaintenanceMessage): void => {
    try {
      gossip?.userEvent(MAINTENANCE_EVENT_NAME, new TextEncoder().encode(encodeMaintenanceMessage(message)), false);
    } catch (error) {
      logger.warn("cannot gossip a maintenance window", { error: describeError(error) });
    }
  };

  /** The windows this node answers for: its own, and those whose author is gone when this node is the first alive member. */
  const announce = (): void => {
    if (!gossip) return;
    lastAnnounceMs = clock.monotonicMs();
    const members = gossip.members();
    const alive = new Set(members.filter((m) => m.status === "alive").map((m) => m.name));
    const first = [...alive].sort()[0];
    for (const window of table.active()) {
      if (window.author === nodeName || (!alive.has(window.author) && first === nodeName)) broadcast({ op: "start", window });
    }
    const nowMs = clock.nowMs();
    for (const [id, untilMs] of myEnds) {
      if (untilMs <= nowMs) myEnds.delete(id);
      else broadcast({ op: "end", id, by: nodeName, atMs: nowMs });
    }
  };

  /** One timer: at the next window's end, or the next announcement, whichever is first. */
  function arm(): void {
    timer?.cancel();
    if (!gossip) return;
    const nextEnd = table.nextEndMs();
    const untilAnnounce = Math.max(0, lastAnnounceMs + MAINTENANCE_ANNOUNCE_INTERVAL_MS - clock.monotonicMs());
    const delay = nextEnd === undefined ? untilAnnounce : Math.min(untilAnnounce, Math.max(0, nextEnd - clock.nowMs()));
    timer = clock.setTimer(delay, onTimer);
  }

  function onTimer(): void {
    const over = table.expire(clock.nowMs());
    for (const window of over) publishEnded(window, "expired");
    if (over.length > 0) save();
    if (clock.monotonicMs() - lastAnnounceMs >= MAINTENANCE_ANNOUNCE_INTERVAL_MS) announce();
    arm();
  }

  const source: MaintenanceSource = {
    list: () => table.active().map(maintenanceWindowJson),
    start: (request) => startWindow(request),
    end: (request) => endWindows(request),
  };

  function startWindow(request: MaintenanceStartRequest): ReturnType<MaintenanceSource["start"]> {
    if (!gossip) return { ok: false, status: 503, error: "gossip is not running on this agent yet", hint: "try again in a moment" };
    if (request.node !== undefined && !gossip.members().some((m) => m.name === request.node)) {
      return { ok: false, status: 404, error: `no member named "${request.node}"`, hint: "`satellite members` lists the names" };
    }
    const nowMs = Math.floor(clock.nowMs());
    const window: MaintenanceWindow = { id: randomId(deps.random), author: nodeName, startedAtMs: nowMs, untilMs: nowMs + request.durationMs, reason: request.reason };
    if (request.node !== undefined) window.node = request.node;
    if (request.check !== undefined) window.check = request.check;
    const bytes = encodeMaintenanceMessage({ op: "start", window }).length;
    if (bytes > MAINTENANCE_PAYLOAD_BYTES_MAX) {
      return { ok: false, status: 400, error: `the window takes ${bytes} bytes of gossip, more than the ${MAINTENANCE_PAYLOAD_BYTES_MAX} a user event may carry`, hint: "shorten the reason" };
    }
    if (table.start(window, nowMs) === "full") return { ok: false, status: 409, error: `${table.active().length} maintenance windows are active, the most this agent keeps`, hint: "end some with `satellite maintenance end`" };
    logger.info("maintenance window started here", { id: window.id, target: describeWindowTarget(window) });
    publishStarted(window);
    save();
    broadcast({ op: "start", window });
    arm();
    return { ok: true, window: maintenanceWindowJson(window) };
  }

  function endWindows(request: MaintenanceEndRequest): ReturnType<MaintenanceSource["end"]> {
    const matches = table.active().filter((w) => (request.id !== undefined ? w.id === request.id : (request.node === undefined || w.node === request.node) && (request.check === undefined ? w.check === undefined : w.check === request.check)));
    const nowMs = Math.floor(clock.nowMs());
    for (const window of matches) {
      table.end(window.id, window.untilMs);
      myEnds.set(window.id, window.untilMs);
      publishEnded(window, "ended", nodeName);
      broadcast({ op: "end", id: window.id, by: nodeName, atMs: nowMs });
    }
    if (matches.length > 0) {
      save();
      arm();
    }
    return matches.map(maintenanceWindowJson);
  }

  return {
    table,
    source,
    attach(g) {
      gossip = g;
      unsubscribe = events.subscribe("maintenance", (event) => {
        if (event.type === "NodeAdded" && event.node !== nodeName) {
          joinTimer ??= clock.setTimer(JOIN_ANNOUNCE_DELAY_MS, () => {
            joinTimer = undefined;
            announce();
          });
          return;
        }
        if (event.type !== "UserEvent" || event.name !== MAINTENANCE_EVENT_NAME) return;
        const decoded = event.payloadEncoding === "utf8" ? decodeMaintenanceMessage(event.payload, clock.nowMs()) : { ok: false as const, error: "payload is not UTF-8" };
        if (!decoded.ok) return refused.log("warn", "bad", "maintenance message refused", { error: decoded.error });
        apply(decoded.message);
      });
      // Windows kept from the last run that ended meanwhile end now.
      onTimer();
    },
    stop() {
      unsubscribe();
      timer?.cancel();
      joinTimer?.cancel();
    },
  };
}

/** 16 hex characters from the injected randomness. */
function randomId(random: Random): string {
  let id = "";
  for (let i = 0; i < 4; i++) id += random.int(0x10000).toString(16).padStart(4, "0");
  return id;
}

/** Creates the windows over the running gossip: the view follows them, user events and timers start. */
export function startMaintenance(deps: MaintenanceDeps, member: { view: ClusterView; serf: Pick<MaintenanceGossip, "userEvent">; members(): MemberInfo[] }): Maintenance {
  const maintenance = createMaintenance(deps);
  member.view.useMaintenance(maintenance.table);
  maintenance.attach({ userEvent: (name, payload, coalesce) => member.serf.userEvent(name, payload, coalesce), members: () => member.members() });
  return maintenance;
}
