import { isIP } from "node:net";
import { parseHostPort } from "../config/addresses.ts";
import { ConfigError, type ConfigProblem } from "../config/config-error.ts";
import { parseDurationMs } from "../config/duration.ts";
import type { NethealthPeer } from "./echo-prober.ts";
import type { KubePeerSource } from "./kube-peers.ts";
import { NETHEALTH_NAME_CHARS_MAX } from "./peer-report.ts";
import { parseStaticPeers } from "./static-peers.ts";

/** The echo port (UDP) and the HTTP port (TCP) by default: one number, two protocols. */
export const NETHEALTH_PORT = 7580;
export const NETHEALTH_DEFAULT_NAMESPACE = "satellite";
export const NETHEALTH_DEFAULT_SELECTOR = "app.kubernetes.io/name=satellite-nethealth";

/** `satellite nethealth` flags as given (repeated flags as lists). */
export interface NethealthFlags {
  name?: string;
  "echo-addr"?: string;
  "http-addr"?: string;
  peers?: readonly string[];
  "kube-namespace"?: string;
  "kube-selector"?: string;
  kubeconfig?: string;
  interval?: string;
  timeout?: string;
  window?: string;
  debug?: boolean;
}

export interface NethealthOptions {
  name: string;
  echo: { ip: string; port: number };
  http: { host: string; port: number };
  /** A fixed list (`--peers`), or the DaemonSet's pods from the Kubernetes API. */
  peers: { from: "list"; list: NethealthPeer[] } | { from: "kube"; source: KubePeerSource; /** `--kubeconfig`; unset: KUBECONFIG, else in-cluster. */ kubeconfig: string | undefined };
  intervalMs: number;
  timeoutMs: number;
  windowProbes: number;
  debug: boolean;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SELECTOR = /^[A-Za-z0-9._\/=!,() -]{1,1024}$/;

/** Flags to options; every problem at once, as a ConfigError. */
export function resolveNethealthOptions(flags: NethealthFlags, hostname: string): NethealthOptions {
  const problems: ConfigProblem[] = [];
  const problem = (flag: string, message: string): void => void problems.push({ source: `flag --${flag}`, path: "", message });

  const name = flags.name ?? hostname;
  if (!/^[^\s[\]:,]{1,253}$/.test(name) || name.length > NETHEALTH_NAME_CHARS_MAX) problem("name", `"${name}" is not a node name (1-253 characters, no spaces, colons, commas or brackets)`);

  const address = (flag: "echo-addr" | "http-addr"): { host: string; port: number } => {
    const parsed = parseHostPort(flags[flag] ?? `0.0.0.0:${NETHEALTH_PORT}`, NETHEALTH_PORT);
    if (typeof parsed === "string") {
      problem(flag, parsed);
      return { host: "0.0.0.0", port: NETHEALTH_PORT };
    }
    if (isIP(parsed.host) === 0) problem(flag, `"${parsed.host}" is not an IP address; give the address to bind, e.g. 0.0.0.0:${NETHEALTH_PORT}`);
    return parsed;
  };
  const echo = address("echo-addr");
  const http = address("http-addr");

  const duration = (flag: "interval" | "timeout", fallbackMs: number, minMs: number, maxMs: number): number => {
    const text = flags[flag];
    if (text === undefined) return fallbackMs;
    const ms = parseDurationMs(text);
    if (ms === undefined || ms < minMs || ms > maxMs) problem(flag, `"${text}" is not a duration from ${minMs}ms to ${maxMs / 1000}s (e.g. 500ms, 2s)`);
    return ms ?? fallbackMs;
  };
  const intervalMs = duration("interval", 1000, 50, 60_000);
  const timeoutMs = duration("timeout", Math.min(1000, intervalMs * 5), 10, 60_000);
  const windowProbes = flags.window === undefined ? 60 : /^\d{1,5}$/.test(flags.window) ? Number(flags.window) : Number.NaN;
  if (!(windowProbes >= 1 && windowProbes <= 3600)) problem("window", `"${flags.window}" is not a number of echoes from 1 to 3600`);

  let peers: NethealthOptions["peers"];
  if (flags.peers !== undefined && flags.peers.length > 0) {
    const list = parseStaticPeers(flags.peers, echo.port, name);
    if (typeof list === "string") problem("peers", list);
    peers = { from: "list", list: typeof list === "string" ? [] : list };
    for (const flag of ["kube-namespace", "kube-selector", "kubeconfig"] as const) {
      if (flags[flag] !== undefined) problem(flag, "is for finding peers in Kubernetes; it cannot go with --peers");
    }
  } else {
    const namespace = flags["kube-namespace"] ?? NETHEALTH_DEFAULT_NAMESPACE;
    const selector = flags["kube-selector"] ?? NETHEALTH_DEFAULT_SELECTOR;
    if (!NAMESPACE.test(namespace)) problem("kube-namespace", `"${namespace}" is not a namespace name`);
    if (!SELECTOR.test(selector)) problem("kube-selector", `"${selector}" is not a label selector (e.g. ${NETHEALTH_DEFAULT_SELECTOR})`);
    // Unset: the connector reads KUBECONFIG as kubectl does, else the in-cluster configuration.
    peers = { from: "kube", source: { namespace, selector, port: echo.port, self: name }, kubeconfig: flags.kubeconfig };
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return { name, echo: { ip: echo.host, port: echo.port }, http, peers, intervalMs, timeoutMs, windowProbes, debug: flags.debug === true };
}
