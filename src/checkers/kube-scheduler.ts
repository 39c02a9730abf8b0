import type { CheckerDeps } from "./deps.ts";
import { healthzKind } from "./_healthz.ts";

export function kubeSchedulerKind(deps: Pick<CheckerDeps, "http" | "files">) {
  return healthzKind(
    {
      kind: "kube-scheduler",
      description: "kube-scheduler /healthz (default https://127.0.0.1:10259, certificate not verified) answers ok",
      component: "kube-scheduler",
      defaultUrl: () => "https://127.0.0.1:10259/healthz",
      defaultTls: { insecureSkipVerify: true },
      hint: "check the kube-scheduler process or static pod on this master",
    },
    deps,
  );
}
