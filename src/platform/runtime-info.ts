/** Where this process runs, in Go's names (linux/amd64), as `satellite version` reports it. */
export interface RuntimeInfo {
  os: string;
  arch: string;
  /** "bun 1.2.3" (or "node 22.1.0" when run by Node). */
  runtime: string;
}

const GO_ARCH: Record<string, string> = { x64: "amd64", ia32: "386", arm: "arm", arm64: "arm64", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

export function runtimeInfo(): RuntimeInfo {
  const bun = (globalThis as { Bun?: { version: string } }).Bun;
  return {
    os: process.platform,
    arch: GO_ARCH[process.arch] ?? process.arch,
    runtime: bun ? `bun ${bun.version}` : `node ${process.versions.node}`,
  };
}
