import { z } from "zod";
import { parseHostPort } from "./addresses.ts";
import { formatDurationMs, parseDurationMs } from "./duration.ts";
import { CONFIG_BOUNDS as B } from "./bounds.ts";
import { tagsTooLarge } from "./tag-limits.ts";
import { parsePeerAddress } from "./peer-address.ts";
import { clusterNameSchema, notifiersSchema } from "./notifiers-schema.ts";
import { parseEventHandlerSpec } from "./event-handler-spec.ts";
import { applyOnSchema } from "./apply-on-schema.ts";
import { detectorsSchema } from "./detectors-schema.ts";
import { thresholdsSchema } from "./thresholds-schema.ts";
import { execDefaults, execSchema } from "./exec-schema.ts";
import { generatorsSchema } from "./generators-schema.ts";
import { kvDefaults, kvSchema } from "./kv-schema.ts";

/**
 * The agent's configuration: the one place where defaults live. Flags, environment and the
 * config file are merged into one raw object (sources.ts) that this schema validates.
 */

const hostPort = (defaultPort?: number) =>
  z.string().max(B.addressLengthMax).superRefine((value, ctx) => {
    const parsed = parseHostPort(value, defaultPort);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  });

/** An `--initial-cluster` entry (peer-address.ts: host, host:port, [ipv6]:port, name:host, name:host:port). */
const peerAddress = () =>
  z.string().max(B.addressLengthMax).superRefine((value, ctx) => {
    const parsed = parsePeerAddress(value, 7946);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  });

const duration = () =>
  z.string().max(B.durationLengthMax).superRefine((value, ctx) => {
    if (parseDurationMs(value) === undefined) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a duration; use e.g. 500ms, 30s, 5m, 36h, 7d` });
    }
  });

const tags = () =>
  z.record(z.string().min(1).max(B.tagKeyLengthMax), z.string()).superRefine((value, ctx) => {
    if (Object.keys(value).length > B.tagsMax) ctx.addIssue({ code: "custom", message: `at most ${B.tagsMax} tags` });
    for (const [key, text] of Object.entries(value)) {
      if (text === "") ctx.addIssue({ code: "custom", message: `tag "${key}" has no value; write ${key}=VALUE` });
    }
    const tooLarge = tagsTooLarge(value);
    if (tooLarge) ctx.addIssue({ code: "custom", message: tooLarge });
    if (value.role !== "master" && value.role !== "node") {
      ctx.addIssue({
        code: "custom",
        message: `a role tag is required: role=master or role=node (got ${value.role === undefined ? "none" : `role=${value.role}`})`,
      });
    }
  });

const base64Key = () =>
  z.string().max(B.secretLengthMax).superRefine((value, ctx) => {
    const bytes = Buffer.from(value, "base64");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || ![16, 24, 32].includes(bytes.length)) {
      ctx.addIssue({ code: "custom", message: "expected base64 of a 16, 24 or 32-byte key (e.g. `openssl rand -base64 32`)" });
    }
  });

/** Event handlers at most: each runs a process per matching event. */
export const EVENT_HANDLERS_MAX = 64;

/** `[TYPES=]COMMAND` (event-handler-spec.ts), parsed at load so a typo stops the agent at start. */
const eventHandler = () =>
  z
    .string()
    .max(B.pathLengthMax)
    .transform((text, ctx) => {
      const parsed = parseEventHandlerSpec(text);
      if (parsed.ok) return parsed.spec;
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    });

/** Port of the HTTP API for an rpcAddr entry that names only a host. */
export const API_PORT_DEFAULT = 7575;

/** What a check entry (configured or built in) gets for a common key it does not set. */
export const CHECK_ENTRY_DEFAULTS = {
  /** kunai's interval. */
  intervalMs: 10_000,
  /** Well inside the interval; a timeout longer than the interval is cut to it. */
  timeoutMs: 5_000,
  severity: "critical",
  failuresBeforeCritical: 1,
  successesBeforePassing: 1,
} as const;

/** A duration (`5s`, `1m30s`) within bounds, for keys that also exist as milliseconds (`interval` and `intervalMs`). */
const boundedDuration = (minMs: number, maxMs: number) =>
  z.string().max(B.durationLengthMax).superRefine((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === undefined) ctx.addIssue({ code: "custom", message: `"${value}" is not a duration; use e.g. 500ms, 30s, 5m, 36h, 7d` });
    else if (ms < minMs || ms > maxMs) ctx.addIssue({ code: "custom", message: `"${value}" is out of range: from ${formatDurationMs(minMs)} to ${formatDurationMs(maxMs)}` });
  });

/** The common keys a check may write as a duration, and the milliseconds key each one sets. */
const CHECK_DURATION_KEYS = [
  ["interval", "intervalMs"],
  ["timeout", "timeoutMs"],
] as const;

/**
 * A configured check as written; kind options are checked against the registry later
 * (check-validation.ts). `interval: 5s` and `intervalMs: 5000` say the same (one of them).
 */
const checkEntry = () =>
  z
    .looseObject({
      name: z.string().max(B.nameLengthMax).regex(/^[a-z0-9][a-z0-9._-]*$/i, "use letters, digits, '.', '_' or '-'"),
      kind: z.string().min(1).max(B.kindLengthMax),
      interval: boundedDuration(100, 86_400_000).optional(),
      intervalMs: z.number().int().min(100).max(86_400_000).optional(),
      timeout: boundedDuration(10, 3_600_000).optional(),
      timeoutMs: z.number().int().min(10).max(3_600_000).optional(),
      severity: z.enum(["critical", "warning"]).optional(),
      failuresBeforeCritical: z.number().int().min(1).max(100).optional(),
      successesBeforePassing: z.number().int().min(1).max(100).optional(),
      /** Runs only on nodes whose tags match (docs/detectors.md). */
      applyOn: applyOnSchema().optional(),
    })
    .transform((entry, ctx) => {
      const out: Record<string, unknown> = { ...entry };
      for (const [text, ms] of CHECK_DURATION_KEYS) {
        if (out[text] === undefined) continue;
        if (out[ms] !== undefined) ctx.addIssue({ code: "custom", path: [text], message: `give ${text} or ${ms}, not both` });
        out[ms] = Math.round(parseDurationMs(String(out[text])) ?? 0);
        delete out[text];
      }
      return out as Omit<typeof entry, "interval" | "timeout">;
    });

/**
 * Built on each call and dropped after use: kept, its zod objects would be megabytes of heap for
 * the agent's whole life (docs/performance.md). The larger sections that default to empty sit in
 * z.lazy: a config without them takes the default and never builds their schema (notifiers alone
 * were a third of building this one, on every start).
 */
export function agentConfigSchema() {
  return z.strictObject({
    config: z.string().max(B.pathLengthMax).optional(),
    rpcAddr: z.array(hostPort(API_PORT_DEFAULT)).min(1).max(B.rpcAddrsMax).default(["127.0.0.1:7575"]),
    name: z.string().max(B.nameLengthMax).regex(/^[^\s]+$/, "no whitespace allowed").optional(),
    tags: z.lazy(tags).default({ role: "master" }),
    stateDir: z.string().min(1).max(B.pathLengthMax).default(".satellite"),
    initialCluster: z.array(peerAddress()).max(B.initialClusterMax).default([]),
    gossipAddr: hostPort(7946).default("0.0.0.0:7946"),
    advertiseAddr: hostPort(0).optional(),
    encrypt: base64Key().optional(),
    keyringFile: z.string().max(B.pathLengthMax).optional(),
    certFile: z.string().min(1).max(B.pathLengthMax).optional(),
    keyFile: z.string().min(1).max(B.pathLengthMax).optional(),
    clientCaFile: z.string().min(1).max(B.pathLengthMax).optional(),
    profile: z.enum(["lan", "wan", "local"]).default("lan"),
    kubeconfig: z.string().max(B.pathLengthMax).optional(),
    /** A Node label key (`prefix/name`, as Kubernetes allows them); present on this node's Node object means master. */
    roleFromNodeLabel: z
      .string()
      .max(317)
      .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, "expected a label key such as node-role.kubernetes.io/control-plane")
      .optional(),
    /** Writes the SatelliteDegraded condition on this node's Node object (docs/kubernetes.md). */
    kubeNodeCondition: z.boolean().default(false),
    /** Posts Kubernetes Events for this node's probe state changes (docs/kubernetes.md). */
    kubeEvents: z.boolean().default(false),
    kubeletAddr: z.url().max(B.urlLengthMax).default("http://127.0.0.1:10248"),
    dockerAddr: z.string().max(B.pathLengthMax).min(1, "expected a socket path, unix:///path, tcp://host:port or http://host:port").default("/var/run/docker.sock"),
    etcdServers: z.array(z.url().max(B.urlLengthMax)).min(1, "give at least one etcd client URL, e.g. https://127.0.0.1:2379").max(B.etcdServersMax).default(["http://127.0.0.1:2379"]),
    etcdCafile: z.string().max(B.pathLengthMax).optional(),
    etcdCertfile: z.string().max(B.pathLengthMax).optional(),
    etcdKeyfile: z.string().max(B.pathLengthMax).optional(),
    influxdbUrl: z.url().max(B.urlLengthMax).optional(),
    influxdbDatabase: z.string().max(B.secretLengthMax).default("satellite"),
    influxdbUser: z.string().max(B.secretLengthMax).optional(),
    influxdbPassword: z.string().max(B.secretLengthMax).optional(),
    metricsAddr: hostPort().optional(),
    /** The DNS interface (docs/dns.md), UDP and TCP; off unless set. A bare host gets port 8600. */
    dnsAddr: hostPort(8600).optional(),
    /** The domain the DNS interface answers for. */
    dnsDomain: z
      .string()
      .max(253)
      .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/i, "expected a DNS domain of letters, digits and inner hyphens, e.g. satellite or cluster.example.com")
      .default("satellite"),
    /** UDP answers per second to one client network (IPv4 /24, IPv6 /56); past it most are dropped (docs/dns.md). */
    dnsRateLimit: z.number().int().min(1).max(10_000_000).default(1000),
    /** statsd intake over UDP (docs/intake.md); off unless set. A bare host gets port 8125. */
    statsdAddr: hostPort(8125).optional(),
    /** graphite plaintext intake over TCP and UDP (docs/intake.md); off unless set. A bare host gets port 2003. */
    graphiteAddr: hostPort(2003).optional(),
    /** How often statsd and graphite values become series (statsd's flushInterval). */
    statsdFlushInterval: duration().refine((text) => (parseDurationMs(text) ?? 0) >= 1000 && (parseDurationMs(text) ?? 0) <= 3_600_000, "expected an interval from 1s to 1h, e.g. 10s").default("10s"),
    /** Distinct application metric names held at most; lines of further names are dropped and counted. */
    statsdMetricsMax: z.number().int().min(1).max(100_000).default(1000),
    /** A failed member is retried (reconnect) this long, then forgotten (serf's reconnect_timeout). */
    reconnectTimeout: boundedDuration(60_000, 365 * 86_400_000).default("24h"),
    /** A member that left is remembered this long, so late gossip cannot bring it back (serf's tombstone_timeout). */
    tombstoneTimeout: boundedDuration(60_000, 365 * 86_400_000).default("24h"),
    retention: duration().default("7d"),
    sampleRetention: duration().default("24h"),
    apiToken: z.string().min(16, "use at least 16 characters").max(B.secretLengthMax).optional(),
    /** Remote exec (docs/exec.md): off unless enabled, only the allowed commands, only signed requests. */
    exec: z.lazy(execSchema).default(execDefaults),
    /** The key-value store (docs/kv.md): `/kv/KEY`, `satellite kv`. */
    kv: z.lazy(kvSchema).default(kvDefaults),
    /** Commands run for each matching event (docs/events.md). */
    eventHandlers: z.lazy(() => z.array(eventHandler()).max(EVENT_HANDLERS_MAX)).default([]),
    eventHandlerTimeout: duration().refine((text) => (parseDurationMs(text) ?? 0) >= 100 && (parseDurationMs(text) ?? 0) <= 3_600_000, "expected a timeout from 100ms to 1h, e.g. 30s").default("30s"),
    /** Connected GET /events clients at most; one more is answered 503. */
    eventsClientsMax: z.number().int().min(1).max(100_000).default(4096),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
    logFormat: z.enum(["logfmt", "json"]).default("logfmt"),
    /** The old spelling of `logLevel: debug`; wins over logLevel when true. */
    debug: z.boolean().default(false),
    /** false turns off the built-in checks; only `checks` run. */
    defaultChecks: z.boolean().default(true),
    /** A check with the name of a built-in one replaces it. */
    checks: z.lazy(() => z.array(checkEntry()).max(B.checksMax)).default([]),
    /** Rules that set tags from what the host is (docs/detectors.md). */
    detectors: z.lazy(detectorsSchema).default([]),
    /** This node's values of the evaluated checks' named thresholds, one number or one per role (docs/checks.md). */
    thresholds: z.lazy(thresholdsSchema).default({}),
    /** Names the cluster in notifications (the `cluster` label of alerts). */
    clusterName: clusterNameSchema().optional(),
    /** Where alerts go, each sent once per cluster (docs/notifications.md). */
    notifiers: z.lazy(notifiersSchema).default([]),
    /** Files rendered from the cluster view and the key-value store (docs/generators.md). */
    generators: z.lazy(generatorsSchema).default([]),
  });
}

export type AgentConfigInput = z.input<ReturnType<typeof agentConfigSchema>>;
export type ParsedAgentConfig = z.output<ReturnType<typeof agentConfigSchema>>;
