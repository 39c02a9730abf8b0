/**
 * Every `satellite agent` flag, in one table: the CLI's help, the environment variable
 * (SATELLITE_<FLAG>), and the config key it sets all come from here. Defaults do not live
 * here; they live in the schema (schema.ts).
 */
/** `repeated`: the flag may be given several times, one entry each; its environment variable holds one entry per line. */
export type FlagValueKind = "string" | "list" | "tags" | "boolean" | "repeated";

export interface AgentFlag {
  /** The flag as typed: --rpc-addr. */
  flag: string;
  /** The config key (and config file key) it sets. */
  key: string;
  kind: FlagValueKind;
  description: string;
  valueHint?: string;
}

export const AGENT_FLAGS: readonly AgentFlag[] = [
  { flag: "rpc-addr", key: "rpcAddr", kind: "list", valueHint: "host:port,...", description: "Addresses the HTTP API listens on; a bare host gets port 7575 (default 127.0.0.1:7575)" },
  { flag: "cert-file", key: "certFile", kind: "string", valueHint: "file", description: "PEM certificate (chain) for the API; with --key-file the API serves HTTPS only" },
  { flag: "key-file", key: "keyFile", kind: "string", valueHint: "file", description: "PEM private key of --cert-file" },
  { flag: "client-ca-file", key: "clientCaFile", kind: "string", valueHint: "file", description: "PEM CA bundle: API clients must present a certificate it signed, except for /livez and /readyz (needs --cert-file)" },
  { flag: "name", key: "name", kind: "string", description: "This node's name in the cluster (default: hostname)" },
  { flag: "tags", key: "tags", kind: "tags", valueHint: "k=v,...", description: "Node tags as key=value (key:value too), comma-separated; role=master or role=node is required (default role=master); a tag without a value is an error" },
  { flag: "state-dir", key: "stateDir", kind: "string", valueHint: "dir", description: "Directory for history (SQLite), known peers and work files (default ./.satellite; a relative path is taken from the working directory at start)" },
  { flag: "config", key: "config", kind: "string", valueHint: "file", description: "YAML or JSON config file; flags override env, env overrides the file" },
  { flag: "initial-cluster", key: "initialCluster", kind: "list", valueHint: "peer,...", description: "Peers to join at start, retried with backoff until one join works; each host, host:port, [ipv6]:port, name:host or name:host:port (the original's name:addr; port 7946 when none)" },
  { flag: "gossip-addr", key: "gossipAddr", kind: "string", valueHint: "host:port", description: "Gossip bind address, UDP and TCP (default 0.0.0.0:7946); streams to peers leave from it when it names one address" },
  { flag: "advertise-addr", key: "advertiseAddr", kind: "string", valueHint: "ip[:port]", description: "Address other nodes use to reach this one (default: the bind address, or the first non-loopback IP)" },
  { flag: "encrypt", key: "encrypt", kind: "string", valueHint: "base64-key", description: "Gossip encryption key, base64 of 16, 24 or 32 bytes (serf's -encrypt format; make one with `satellite keygen`). A flag value is visible in the process list: prefer --encrypt-file or SATELLITE_ENCRYPT" },
  { flag: "encrypt-file", key: "encryptFile", kind: "string", valueHint: "file", description: "File whose first line is the gossip encryption key (`satellite keygen > FILE`); keeps it out of the process list" },
  { flag: "keyring-file", key: "keyringFile", kind: "string", valueHint: "file", description: "serf keyring file: JSON array of base64 keys, primary first" },
  { flag: "profile", key: "profile", kind: "string", valueHint: "lan|wan|local", description: "Gossip timing preset: lan (memberlist's LAN defaults), wan, local (default lan)" },
  { flag: "kubeconfig", key: "kubeconfig", kind: "string", valueHint: "file", description: "kubeconfig for the Kubernetes API (default: the files in KUBECONFIG as kubectl reads them, else the in-cluster config when present)" },
  { flag: "role-from-node-label", key: "roleFromNodeLabel", kind: "string", valueHint: "label-key", description: "Take the role from this node's Node object: the label present means role:master, absent role:node (e.g. node-role.kubernetes.io/control-plane); needs RBAC nodes get. When the API cannot be read at start, the role of --tags stays" },
  { flag: "kube-node-condition", key: "kubeNodeCondition", kind: "boolean", description: "Keep the condition SatelliteDegraded on this node's Node object, as node-problem-detector does (True while a critical probe fails; needs RBAC nodes get and nodes/status patch)" },
  { flag: "kube-events", key: "kubeEvents", kind: "boolean", description: "Post a Kubernetes Event on this node's Node object for each probe state change, rate-limited (needs RBAC events create)" },
  { flag: "kubelet-addr", key: "kubeletAddr", kind: "string", valueHint: "url", description: "kubelet health endpoint base (default http://127.0.0.1:10248)" },
  { flag: "docker-addr", key: "dockerAddr", kind: "string", valueHint: "path", description: "Docker API unix socket (default /var/run/docker.sock)" },
  { flag: "etcd-servers", key: "etcdServers", kind: "list", valueHint: "url,...", description: "etcd client endpoints (default http://127.0.0.1:2379)" },
  { flag: "etcd-cafile", key: "etcdCafile", kind: "string", valueHint: "file", description: "CA bundle to verify etcd's certificate" },
  { flag: "etcd-certfile", key: "etcdCertfile", kind: "string", valueHint: "file", description: "Client certificate for etcd" },
  { flag: "etcd-keyfile", key: "etcdKeyfile", kind: "string", valueHint: "file", description: "Client key for etcd" },
  { flag: "influxdb-url", key: "influxdbUrl", kind: "string", valueHint: "url", description: "InfluxDB 1.x URL; when set, probe results are also written there" },
  { flag: "influxdb-database", key: "influxdbDatabase", kind: "string", description: "InfluxDB database" },
  { flag: "influxdb-user", key: "influxdbUser", kind: "string", description: "InfluxDB user" },
  { flag: "influxdb-password", key: "influxdbPassword", kind: "string", description: "InfluxDB password (prefer SATELLITE_INFLUXDB_PASSWORD or the config file)" },
  { flag: "metrics-addr", key: "metricsAddr", kind: "string", valueHint: "host:port", description: "Also serve /metrics on this address (it is always on the API address)" },
  { flag: "dns-addr", key: "dnsAddr", kind: "string", valueHint: "host:port", description: "Answer DNS on this address, UDP and TCP (e.g. 127.0.0.1:8600; a bare host gets 8600): A/AAAA for NAME.node.DOMAIN, ROLE.role.DOMAIN, VALUE.KEY.tag.DOMAIN, SRV for _api._tcp and _gossip._udp (docs/dns.md). Off unless set" },
  { flag: "dns-domain", key: "dnsDomain", kind: "string", valueHint: "domain", description: "The domain the DNS interface answers for (default satellite)" },
  { flag: "statsd-addr", key: "statsdAddr", kind: "string", valueHint: "host:port", description: "Take statsd metrics over UDP on this address (8125 by convention; a bare host gets it) into /metrics and history (docs/intake.md). Off unless set" },
  { flag: "graphite-addr", key: "graphiteAddr", kind: "string", valueHint: "host:port", description: "Take graphite plaintext lines (path value timestamp) over TCP and UDP on this address (2003 by convention; a bare host gets it). Off unless set" },
  { flag: "statsd-flush-interval", key: "statsdFlushInterval", kind: "string", valueHint: "duration", description: "How often statsd and graphite values are summed up into series (default 10s)" },
  { flag: "kv-backend", key: "kv.backend", kind: "string", valueHint: "replicated|etcd", description: "Where the key-value store (/kv, `satellite kv`) keeps its data: replicated (each key on 3 Satellite nodes; docs/kv.md) or etcd (a real etcd v3 cluster) (default replicated)" },
  { flag: "kv-etcd-endpoints", key: "kv.etcd.endpoints", kind: "list", valueHint: "url,...", description: "etcd client URLs for --kv-backend etcd (required with it); calls fail over between them (docs/kv-etcd.md)" },
  { flag: "kv-etcd-prefix", key: "kv.etcd.prefix", kind: "string", valueHint: "prefix", description: "etcd key prefix the key-value store's keys live under (default /satellite/kv/)" },
  { flag: "kv-etcd-ca-file", key: "kv.etcd.caFile", kind: "string", valueHint: "file", description: "PEM CA bundle that signed the key-value etcd's server certificates" },
  { flag: "kv-etcd-cert-file", key: "kv.etcd.certFile", kind: "string", valueHint: "file", description: "PEM client certificate for the key-value etcd (with --kv-etcd-key-file)" },
  { flag: "kv-etcd-key-file", key: "kv.etcd.keyFile", kind: "string", valueHint: "file", description: "PEM private key of --kv-etcd-cert-file" },
  { flag: "kv-etcd-username", key: "kv.etcd.username", kind: "string", valueHint: "user", description: "etcd user for the key-value store when etcd's authentication is on (with --kv-etcd-password-file)" },
  { flag: "kv-etcd-password", key: "kv.etcd.password", kind: "string", valueHint: "password", description: "Password of --kv-etcd-username. A flag value is visible in the process list: prefer --kv-etcd-password-file or SATELLITE_KV_ETCD_PASSWORD" },
  { flag: "kv-etcd-password-file", key: "kv.etcd.passwordFile", kind: "string", valueHint: "file", description: "File whose first line is the password of --kv-etcd-username; keeps it out of the process list" },
  { flag: "kv-etcd-request-timeout", key: "kv.etcd.requestTimeout", kind: "string", valueHint: "duration", description: "One key-value call to one etcd member, answer included, before the next member is tried (default 5s; 100ms to 60s)" },
  { flag: "reconnect-timeout", key: "reconnectTimeout", kind: "string", valueHint: "duration", description: "How long a failed member is retried before it is forgotten (member-reap); until then it counts as failed unless `satellite force-leave` removes it (default 24h; 1m to 365d)" },
  { flag: "tombstone-timeout", key: "tombstoneTimeout", kind: "string", valueHint: "duration", description: "How long a member that left (or was forced out) is remembered before it is forgotten; `force-leave --prune` forgets it at once (default 24h; 1m to 365d)" },
  { flag: "retention", key: "retention", kind: "string", valueHint: "duration", description: "How long timeline events and one-minute aggregates are kept, e.g. 7d, 36h (default 7d)" },
  { flag: "sample-retention", key: "sampleRetention", kind: "string", valueHint: "duration", description: "How long raw probe samples are kept (default 24h; at most --retention)" },
  { flag: "api-token", key: "apiToken", kind: "string", valueHint: "token", description: "API token (16+ characters): when set, every mutating API call (join, leave, checks run) must send it, from loopback too; when unset, only loopback may mutate. A flag value is visible in the process list: prefer --api-token-file or SATELLITE_API_TOKEN" },
  { flag: "api-token-file", key: "apiTokenFile", kind: "string", valueHint: "file", description: "File whose first line is the API token; keeps it out of the process list" },
  { flag: "event-handler", key: "eventHandlers", kind: "repeated", valueHint: "[types=]command", description: "Run a shell command for each event, serf's way: the event as one JSON line on stdin, SATELLITE_EVENT, SATELLITE_SELF_NAME, SATELLITE_SELF_ROLE and SATELLITE_TAG_<KEY> in its environment; types is a comma list of kinds (probe, node, cluster, user, agent) or type names (ProbeFailed, NodeFailed, ...), all events without it; query:NAME=command answers serf queries named NAME with the command's output (the payload on stdin). Repeatable; the environment variable takes one per line" },
  { flag: "event-handler-timeout", key: "eventHandlerTimeout", kind: "string", valueHint: "duration", description: "An event handler still running after this is killed with its process group (default 30s)" },
  { flag: "cluster-name", key: "clusterName", kind: "string", valueHint: "name", description: "The cluster's name in notifications (the cluster label of Alertmanager alerts, the subject of mails)" },
  { flag: "log-level", key: "logLevel", kind: "string", valueHint: "level", description: "Least severe log lines written: debug, info, warn or error (default info)" },
  { flag: "log-format", key: "logFormat", kind: "string", valueHint: "format", description: "Log lines as logfmt (ts=... level=info msg=\"...\" key=value) or json (one object per line, the message under msg) (default logfmt)" },
  { flag: "debug", key: "debug", kind: "boolean", description: "Same as --log-level debug" },
];

/** SATELLITE_RPC_ADDR for --rpc-addr. */
export function envNameOf(flag: AgentFlag): string {
  return `SATELLITE_${flag.flag.toUpperCase().replaceAll("-", "_")}`;
}
