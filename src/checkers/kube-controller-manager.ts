import type { CheckerDeps } from "./deps.ts";
import { healthzKind } from "./_healthz.ts";

export function kubeControllerManagerKind(deps: Pick<CheckerDeps, "http" | "files">) {
  return healthzKind(
    {
      kind: "kube-controller-manager",
      description: "kube-controller-manager /healthz (default https://127.0.0.1:10257, certificate not verified) answers ok",
      component: "kube-controller-manager",
      defaultUrl: () => "https://127.0.0.1:10257/healthz",
      defaultTls: { insecureSkipVerify: true },
      hint: "check the kube-controller-manager process or static pod on this master",
    },
    deps,
  );
}
