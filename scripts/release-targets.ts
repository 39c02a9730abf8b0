/**
 * The release executables: one per Linux platform, named the same in the README, cloud-init
 * and the Containerfile. Each is built onto Bun's own runtime for that platform, the npm package
 * `runtimePackage` at the installed Bun's version.
 */
export interface ReleaseTarget {
  /** `dist/satellite-<name>`. */
  name: "linux-x64" | "linux-arm64" | "linux-x64-musl" | "linux-arm64-musl";
  /** `bun build --target`. */
  bunTarget: string;
  runtimePackage: string;
  machine: "x86-64" | "aarch64";
  /** The dynamic loader the executable asks for. */
  interpreter: string;
}

export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  { name: "linux-x64", bunTarget: "bun-linux-x64", runtimePackage: "@oven/bun-linux-x64", machine: "x86-64", interpreter: "/lib64/ld-linux-x86-64.so.2" },
  { name: "linux-arm64", bunTarget: "bun-linux-arm64", runtimePackage: "@oven/bun-linux-aarch64", machine: "aarch64", interpreter: "/lib/ld-linux-aarch64.so.1" },
  { name: "linux-x64-musl", bunTarget: "bun-linux-x64-musl", runtimePackage: "@oven/bun-linux-x64-musl", machine: "x86-64", interpreter: "/lib/ld-musl-x86_64.so.1" },
  { name: "linux-arm64-musl", bunTarget: "bun-linux-arm64-musl", runtimePackage: "@oven/bun-linux-aarch64-musl", machine: "aarch64", interpreter: "/lib/ld-musl-aarch64.so.1" },
];

export const releaseFile = (target: ReleaseTarget): string => `satellite-${target.name}`;
export const CHECKSUMS_FILE = "SHA256SUMS";
