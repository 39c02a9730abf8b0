import type { CheckerKind } from "../probes/checker.ts";
import { type CheckerDeps, systemCheckerDeps } from "./deps.ts";
import { diskLatencyKind } from "./disk-latency.ts";
import { diskSpaceKind } from "./disk-space.ts";
import { httpKind } from "./http.ts";
import { sysctlKind } from "./sysctl.ts";
import { tcpKind } from "./tcp.ts";

/** Every kind of check, built over `deps`; listed explicitly, a config `kind` not here is a config error. */
export function createCheckerKinds(deps: CheckerDeps): readonly CheckerKind<any>[] {
  return [diskSpaceKind(deps), diskLatencyKind(deps), httpKind(deps), tcpKind(deps), sysctlKind(deps)];
}

/** Every kind of check the agent knows, over the real host. */
export const checkerKinds: readonly CheckerKind<any>[] = createCheckerKinds(systemCheckerDeps);

export function findCheckerKind(kind: string, kinds: readonly CheckerKind<any>[] = checkerKinds): CheckerKind<any> | undefined {
  return kinds.find((k) => k.kind === kind);
}
