/** Pure parsers for /proc and /sys files used by the host checks. */

/** Kernel module names treat "-" and "_" alike; compare in the underscore form. */
export function normaliseModule(name: string): string {
  return name.trim().replaceAll("-", "_");
}

/** First column of /proc/modules. */
export function parseProcModules(text: string): string[] {
  return text.split("\n").flatMap((line) => {
    const name = line.split(" ")[0];
    return name ? [normaliseModule(name)] : [];
  });
}

/** modules.builtin lines are paths like kernel/net/bridge/br_netfilter.ko. */
export function parseModulesBuiltin(text: string): string[] {
  return text.split("\n").flatMap((line) => {
    const base = line.trim().split("/").pop();
    return base ? [normaliseModule(base.replace(/\.ko(\.[a-z]+)?$/, ""))] : [];
  });
}

/** "5.15.0-91-generic" -> [5, 15, 0]; missing parts are 0. Undefined when it does not start with a number. */
export function parseKernelVersion(release: string): [number, number, number] | undefined {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(release.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** CONFIG_X=y|m|"string"|number lines of a kernel config; "# CONFIG_X is not set" means absent. */
export function parseKernelConfig(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) map.set(m[1] as string, m[2] as string);
  }
  return map;
}

export interface Listener {
  protocol: "tcp" | "tcp6" | "udp" | "udp6";
  address: string;
  port: number;
  inode: string;
}

const TCP_LISTEN = "0A";
const UDP_UNCONNECTED = "07";

/** Little-endian hex words of /proc/net/* addresses to text. */
function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    const bytes = hex.match(/../g)?.map((h) => parseInt(h, 16)).reverse() ?? [];
    return bytes.join(".");
  }
  const words = hex.match(/.{8}/g) ?? [];
  const groups: string[] = [];
  for (const w of words) {
    const b = w.match(/../g)?.reverse().join("") ?? "";
    groups.push(b.slice(0, 4), b.slice(4, 8));
  }
  return groups.map((g) => parseInt(g, 16).toString(16)).join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** Sockets in LISTEN (tcp) or bound-unconnected (udp) state from a /proc/net/{tcp,udp}[6] table. */
export function parseProcNet(text: string, protocol: Listener["protocol"]): Listener[] {
  const wanted = protocol.startsWith("tcp") ? TCP_LISTEN : UDP_UNCONNECTED;
  return text
    .split("\n")
    .slice(1)
    .flatMap((line) => {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) return [];
      const [addrHex, portHex] = (f[1] ?? "").split(":");
      if (!addrHex || !portHex || f[3] !== wanted) return [];
      return [{ protocol, address: decodeAddress(addrHex), port: parseInt(portHex, 16), inode: f[9] as string }];
    });
}

export interface Mount {
  source: string;
  target: string;
  fstype: string;
  options: string[];
}

/** /proc/mounts lines; octal escapes (\040) in paths are decoded. */
export function parseMounts(text: string): Mount[] {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text.split("\n").flatMap((line) => {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) return [];
    return [{ source: unescape(f[0] as string), target: unescape(f[1] as string), fstype: f[2] as string, options: (f[3] as string).split(",") }];
  });
}
