import type { CheckerKind } from "../probes/checker.ts";

/** Every kind of check the agent knows; a config `kind` not listed here is a config error. */
export const checkerKinds: readonly CheckerKind<any>[] = [];

export function findCheckerKind(kind: string): CheckerKind<any> | undefined {
  return checkerKinds.find((k) => k.kind === kind);
}
