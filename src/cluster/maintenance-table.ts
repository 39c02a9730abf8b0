import type { MaintenanceWindow } from "./maintenance-window.ts";
import { rfc3339Nano, type MaintenanceMarkerJson, type MaintenanceWindowJson } from "./status-json.ts";

/** What the status rules and notifiers ask: is this node, or this check of this node, muted now? */
export interface MaintenanceMute {
  /** Active windows, soonest end first. */
  active(): MaintenanceWindow[];
  /** The window muting the node itself, if any. */
  nodeWindow(node: string): MaintenanceWindow | undefined;
  /** The window muting this check on this node (one for the node's check, or the check everywhere), if any. */
  checkWindow(node: string, check: string): MaintenanceWindow | undefined;
}

/** What a start did: taken, already known, refused because it was ended or is over, or the table is full. */
export type StartOutcome = "added" | "known" | "ended" | "over" | "full";

/** The table as it is kept on disk: active windows and the ids ended before their time. */
export interface MaintenanceTableState {
  windows: MaintenanceWindow[];
  ended: { id: string; untilMs: number }[];
}

/** Active windows at most, cluster-wide: enough for a rolling reboot of a large cluster, bounded against a flood. */
export const MAINTENANCE_WINDOWS_MAX = 256;
/** Ended ids remembered (until their window would have ended), so a late re-announcement does not revive them. */
export const MAINTENANCE_ENDED_MAX = 512;

/**
 * The cluster's maintenance windows as this node knows them, bounded. It is pure: time is
 * passed in, and the caller (agent/maintenance-setup.ts) gossips, persists and publishes.
 * Windows are idempotent by id, so the same start arriving again (re-announcements, serf's
 * rebroadcasts, this node's own echo) changes nothing; an end wins over any later start of
 * the same id.
 */
export class MaintenanceTable implements MaintenanceMute {
  private readonly windows = new Map<string, MaintenanceWindow>();
  private readonly ended = new Map<string, number>();

  constructor(private readonly windowsMax = MAINTENANCE_WINDOWS_MAX) {}

  start(window: MaintenanceWindow, nowMs: number): StartOutcome {
    if (this.windows.has(window.id)) return "known";
    if (this.ended.has(window.id)) return "ended";
    if (window.untilMs <= nowMs) return "over";
    if (this.windows.size >= this.windowsMax) return "full";
    this.windows.set(window.id, window);
    return "added";
  }

  /** Ends a window before its time; returns it, or undefined when it is not active here (it is still remembered as ended). */
  end(id: string, untilMsHint: number): MaintenanceWindow | undefined {
    const window = this.windows.get(id);
    this.windows.delete(id);
    this.rememberEnded(id, window?.untilMs ?? untilMsHint);
    return window;
  }

  /** Removes and returns the windows whose time is over; forgets ended ids whose windows would be over too. */
  expire(nowMs: number): MaintenanceWindow[] {
    const over: MaintenanceWindow[] = [];
    for (const window of this.windows.values()) if (window.untilMs <= nowMs) over.push(window);
    for (const window of over) this.windows.delete(window.id);
    for (const [id, untilMs] of this.ended) if (untilMs <= nowMs) this.ended.delete(id);
    return over;
  }

  /** When the next window ends (Unix ms), or undefined when none is active. */
  nextEndMs(): number | undefined {
    let next: number | undefined;
    for (const window of this.windows.values()) if (next === undefined || window.untilMs < next) next = window.untilMs;
    return next;
  }

  /** Active windows, soonest end first. */
  active(): MaintenanceWindow[] {
    return [...this.windows.values()].sort((a, b) => a.untilMs - b.untilMs || a.id.localeCompare(b.id));
  }

  get(id: string): MaintenanceWindow | undefined {
    return this.windows.get(id);
  }

  nodeWindow(node: string): MaintenanceWindow | undefined {
    for (const window of this.windows.values()) if (window.check === undefined && window.node === node) return window;
    return undefined;
  }

  checkWindow(node: string, check: string): MaintenanceWindow | undefined {
    for (const window of this.windows.values()) if (window.check === check && (window.node === undefined || window.node === node)) return window;
    return undefined;
  }

  state(): MaintenanceTableState {
    return { windows: this.active(), ended: [...this.ended].map(([id, untilMs]) => ({ id, untilMs })) };
  }

  private rememberEnded(id: string, untilMs: number): void {
    this.ended.delete(id);
    this.ended.set(id, untilMs);
    // Oldest first by insertion: past the bound, the longest-ended ids go.
    while (this.ended.size > MAINTENANCE_ENDED_MAX) {
      const oldest = this.ended.keys().next().value as string;
      this.ended.delete(oldest);
    }
  }
}

/** A window as the status JSON marks a muted node or probe. */
export function maintenanceMarkerJson(window: MaintenanceWindow): MaintenanceMarkerJson {
  return { id: window.id, until: rfc3339Nano(window.untilMs), reason: window.reason, author: window.author };
}

/** A window as `GET /maintenance` and the cluster status list it. */
export function maintenanceWindowJson(window: MaintenanceWindow): MaintenanceWindowJson {
  return { ...maintenanceMarkerJson(window), node: window.node, check: window.check, started_at: rfc3339Nano(window.startedAtMs) };
}
