import { assertNever } from "../platform/assert-never.ts";
import { isProblem, type AlertState, type ObservedAlert } from "./alert-state.ts";

/** Alertmanager's alert names for Satellite's alerts (docs/notifications.md). */
export type AlertName = "SatelliteProbeFailed" | "SatelliteNodeFailed" | "SatelliteNodeDegraded" | "SatelliteClusterDegraded";

/** One alert and whether it fires, as a change of a subject makes it. */
export interface AlertChange {
  alertname: AlertName;
  firing: boolean;
}

/**
 * The alerts a subject's change touches: the one of its new state fires; the one of its old
 * state is resolved (a node going from degraded to failed resolves SatelliteNodeDegraded and
 * fires SatelliteNodeFailed).
 */
export function alertChanges(alert: Pick<ObservedAlert, "kind" | "state">, previousState: AlertState): AlertChange[] {
  switch (alert.kind) {
    case "probe":
      return [{ alertname: "SatelliteProbeFailed", firing: isProblem(alert.state) }];
    case "cluster":
      return [{ alertname: "SatelliteClusterDegraded", firing: isProblem(alert.state) }];
    case "node": {
      const out: AlertChange[] = [];
      const nameOf = (state: AlertState): AlertName | undefined => (state === "failed" ? "SatelliteNodeFailed" : state === "degraded" ? "SatelliteNodeDegraded" : undefined);
      const now = nameOf(alert.state);
      const before = nameOf(previousState);
      if (now) out.push({ alertname: now, firing: true });
      if (before && before !== now) out.push({ alertname: before, firing: false });
      return out;
    }
    default:
      return assertNever(alert.kind, "alert subject kind");
  }
}

/** The name a change is known by in texts: the alert it fires, or the one it resolves (none for a healthy node leaving). */
export function primaryAlertName(alert: Pick<ObservedAlert, "kind" | "state">, previousState: AlertState): AlertName | undefined {
  return alertChanges(alert, previousState)[0]?.alertname;
}
