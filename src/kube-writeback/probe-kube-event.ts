import type { CoreV1Event } from "@kubernetes/client-node";
import type { AgentEvent } from "../events/agent-event.ts";
import { kubeTime } from "./kube-time.ts";

/** The component that reports the Events (`source.component`, `reportingComponent`). */
export const EVENT_COMPONENT = "satellite";
/** Where events about a Node (a cluster-scoped object) go, as the kubelet puts them. */
export const NODE_EVENTS_NAMESPACE = "default";
/** An Event message longer than this is cut (events.k8s.io caps its note at 1 kB). */
export const EVENT_MESSAGE_CHARS_MAX = 1024;
/** An object name is a DNS subdomain: at most 253 characters. */
const OBJECT_NAME_CHARS_MAX = 253;

type ProbeStateChange = Extract<AgentEvent, { type: "ProbeFailed" | "ProbeSucceeded" }>;

/**
 * A core v1 Event about this node's Node object for one probe state change: Warning
 * `ProbeFailed` with the probe's error, Normal `ProbeSucceeded`. The involved object's uid is
 * the node name, as the kubelet sets it for its node events, so `kubectl describe node` lists
 * them. The name is the node name and the event time in hex nanoseconds (the kubelet's form)
 * plus the event's sequence number, unique for this agent.
 */
export function probeKubeEvent(event: ProbeStateChange, nodeName: string): CoreV1Event {
  const failed = event.type === "ProbeFailed";
  const message = failed
    ? `probe ${event.probe} failed${event.severity === "warning" ? " (warning)" : ""}${event.error ? `: ${event.error}` : ""}`
    : `probe ${event.probe} recovered`;
  const suffix = `.${(BigInt(Math.max(0, Math.floor(event.ts))) * 1_000_000n + BigInt(event.seq % 1_000_000)).toString(16)}`;
  const time = kubeTime(event.ts) as unknown as Date;
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${nodeName.slice(0, OBJECT_NAME_CHARS_MAX - suffix.length)}${suffix}`, namespace: NODE_EVENTS_NAMESPACE },
    involvedObject: { apiVersion: "v1", kind: "Node", name: nodeName, uid: nodeName },
    reason: event.type,
    message: message.length <= EVENT_MESSAGE_CHARS_MAX ? message : `${message.slice(0, EVENT_MESSAGE_CHARS_MAX - 3)}...`,
    type: failed ? "Warning" : "Normal",
    source: { component: EVENT_COMPONENT, host: nodeName },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    reportingComponent: EVENT_COMPONENT,
    // events.k8s.io bounds the reporting instance at 128 characters.
    reportingInstance: nodeName.slice(0, 128),
  };
}
