import { runAsync } from "./netns-commands.ts";
import type { TestHost, TestNetwork } from "./netns.ts";

/** A second network between the hosts of a TestNetwork (a pod network, a storage network...). */
export interface SecondBridge {
  /** Interface name inside every host. */
  readonly ifname: string;
  /** This host's address on the second network. */
  ipOf(host: TestHost): string;
  /** Drops everything the host sends or receives on this network only (iptables in the host); undone by `restore`. */
  cut(host: TestHost): Promise<void>;
  restore(host: TestHost): Promise<void>;
}

/**
 * Adds a bridge `br1` to the network's switch namespace and one veth per host (`ifname` inside
 * the host, addresses `<prefix24>.<index + 1>/24`). Everything goes away with the namespaces
 * when the TestNetwork is destroyed.
 */
export async function addSecondBridge(net: TestNetwork, options: { ifname: string; prefix24: string }): Promise<SecondBridge> {
  if (!/^[a-z][a-z0-9]{0,7}$/.test(options.ifname)) throw new Error(`interface name '${options.ifname}': use 1-8 lowercase letters or digits`);
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(options.prefix24)) throw new Error(`prefix '${options.prefix24}': give the first three octets, e.g. 10.213.0`);
  const must = async (argv: string[]): Promise<void> => {
    const result = await runAsync(argv, 10_000);
    if (result.exitCode !== 0) throw new Error(`${argv.join(" ")} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  };
  const sw = net.switchNs;
  await must(["ip", "-n", sw, "link", "add", "br1", "type", "bridge"]);
  await must(["ip", "-n", sw, "link", "set", "br1", "up"]);
  const ipOf = (host: TestHost): string => `${options.prefix24}.${host.index + 1}`;
  for (const host of net.hosts) {
    await must(["ip", "-n", sw, "link", "add", `w${host.index}`, "type", "veth", "peer", "name", options.ifname, "netns", host.ns]);
    await must(["ip", "-n", sw, "link", "set", `w${host.index}`, "master", "br1", "up"]);
    await must(["ip", "-n", host.ns, "addr", "add", `${ipOf(host)}/24`, "dev", options.ifname]);
    await must(["ip", "-n", host.ns, "link", "set", options.ifname, "up"]);
  }
  const rules = (host: TestHost, op: "-I" | "-D") => [
    ["ip", "netns", "exec", host.ns, "iptables", op, "INPUT", "-i", options.ifname, "-j", "DROP"],
    ["ip", "netns", "exec", host.ns, "iptables", op, "OUTPUT", "-o", options.ifname, "-j", "DROP"],
  ];
  return {
    ifname: options.ifname,
    ipOf,
    async cut(host) {
      for (const argv of rules(host, "-I")) await must(argv);
    },
    async restore(host) {
      for (const argv of rules(host, "-D")) await must(argv);
    },
  };
}
