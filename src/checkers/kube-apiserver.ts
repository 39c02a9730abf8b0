import type { CheckerDeps } from "./deps.ts";
import { healthzKind } from "./_healthz.ts";

export function kubeApiserverKind(deps: Pick<CheckerDeps, "http" | "files">) {
  return healthzKind(
    {
      kind: "kube-apiserver",
      description: "kube-apiserver /readyz (default https://127.0.0.1:6443/readyz, certificate not verified) answers ok",
      component: "kube-apiserver",
      defaultUrl: () => "https://127.0.0.1:6443/readyz",
      defaultTls: { insecureSkipVerify: true },
      hint: "check the kube-apiserver: GET /readyz?verbose on the master shows which check fails",
    },
    deps,
  );
}
