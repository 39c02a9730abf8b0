import type { CheckerDeps } from "./deps.ts";
import { healthzKind } from "./_healthz.ts";

export function kubeletKind(deps: Pick<CheckerDeps, "http" | "files">) {
  return healthzKind(
    {
      kind: "kubelet",
      description: "kubelet /healthz (agent setting kubeletAddr) answers ok",
      component: "kubelet",
      defaultUrl: (settings) => `${settings.kubeletAddr.replace(/\/+$/, "")}/healthz`,
      hint: "check the kubelet service: systemctl status kubelet; journalctl -u kubelet",
    },
    deps,
  );
}
