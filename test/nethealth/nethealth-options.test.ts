import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { resolveNethealthOptions, type NethealthFlags } from "../../src/nethealth/nethealth-options.ts";
import { NETHEALTH_PEERS_MAX } from "../../src/nethealth/peer-report.ts";

const resolve = (flags: NethealthFlags) => resolveNethealthOptions(flags, "host-1");
function problems(flags: NethealthFlags): string {
  try {
    resolve(flags);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.source}: ${p.message}`).join("\n");
    throw error;
  }
  throw new Error("expected the flags to be refused");
}

describe("satellite nethealth flags", () => {
  test("defaults: hostname, UDP and HTTP on 0.0.0.0:7580, peers from the DaemonSet's pods, 1 s, 60 echoes", () => {
    expect(resolve({})).toEqual({
      name: "host-1",
      echo: { ip: "0.0.0.0", port: 7580 },
      http: { host: "0.0.0.0", port: 7580 },
      peers: { from: "kube", source: { namespace: "satellite", selector: "app.kubernetes.io/name=satellite-nethealth", port: 7580, self: "host-1" }, kubeconfig: undefined },
      intervalMs: 1000,
      timeoutMs: 1000,
      windowProbes: 60,
      debug: false,
    });
  });

  test("--kubeconfig goes to the connector (which otherwise reads KUBECONFIG, then the in-cluster configuration)", () => {
    expect(resolve({ kubeconfig: "/c" }).peers).toMatchObject({ from: "kube", kubeconfig: "/c" });
  });

  test("--peers: name:ip[:port], comma-separated or repeated, this node left out, the echo port by default", () => {
    const options = resolve({ name: "b", "echo-addr": "10.0.0.2:9000", peers: ["a:10.0.0.1,b:10.0.0.2", "c:[fd00::3]:9100"] });
    expect(options.peers).toEqual({ from: "list", list: [{ name: "a", ip: "10.0.0.1", port: 9000 }, { name: "c", ip: "fd00::3", port: 9100 }] });
    expect(options.echo).toEqual({ ip: "10.0.0.2", port: 9000 });
  });

  test("bad values: each names its flag, quotes the value and says what is allowed, all at once", () => {
    expect(problems({ peers: ["10.0.0.1"] })).toBe('flag --peers: "10.0.0.1" has no node name; expected name:ip or name:ip:port (IPv6 in brackets: name:[fd00::1]:7580)');
    expect(problems({ peers: ["a:db.local"] })).toContain('"a:db.local" has "db.local" for an address, which is not an IP address');
    expect(problems({ peers: ["a:10.0.0.1,a:10.0.0.2"] })).toBe('flag --peers: node "a" is given twice');
    expect(problems({ peers: [Array.from({ length: NETHEALTH_PEERS_MAX + 1 }, (_, i) => `n${i}:10.0.0.1`).join(",")] })).toBe(`flag --peers: ${NETHEALTH_PEERS_MAX + 1} peers given; at most ${NETHEALTH_PEERS_MAX}`);
    expect(problems({ peers: ["a:10.0.0.1"], "kube-selector": "x=y" })).toBe("flag --kube-selector: is for finding peers in Kubernetes; it cannot go with --peers");
    expect(problems({ interval: "10ms", window: "0", "echo-addr": "pod.local:1", name: "a b" }).split("\n")).toEqual([
      'flag --name: "a b" is not a node name (1-253 characters, no spaces, colons, commas or brackets)',
      'flag --echo-addr: "pod.local" is not an IP address; give the address to bind, e.g. 0.0.0.0:7580',
      'flag --interval: "10ms" is not a duration from 50ms to 60s (e.g. 500ms, 2s)',
      'flag --window: "0" is not a number of echoes from 1 to 3600',
    ]);
    expect(problems({ "kube-namespace": "Bad_NS", "kube-selector": "a=b;rm" })).toBe('flag --kube-namespace: "Bad_NS" is not a namespace name\nflag --kube-selector: "a=b;rm" is not a label selector (e.g. app.kubernetes.io/name=satellite-nethealth)');
  });
});
