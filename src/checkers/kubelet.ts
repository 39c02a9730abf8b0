import type { CheckerDeps } from "./deps.ts";
import { agentString, healthzKind } from "./_healthz.ts";

export const DEFAULT_KUBELET_ADDR = "http://127.0.0.1:10248";

export function kubeletKind(deps: Pick<CheckerDeps, "http" | "files">) {
  return healthzKind(
    {
      kind: "kubelet",
      description: "kubelet /healthz (agent kubeletAddr, default http://127.0.0.1:10248) answers ok",
      component: "kubelet",
      defaultUrl: (env) => `${(agentString(env, "kubeletAddr") ?? DEFAULT_KUBELET_ADDR).replace(/\/+$/, "")}/healthz`,
      hint: "check the kubelet service: systemctl status kubelet; journalctl -u kubelet",
    },
    deps,
  );
}
