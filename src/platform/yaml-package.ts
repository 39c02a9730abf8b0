import { lazyPackage } from "./lazy-package.ts";

/**
 * The yaml package, evaluated on first use: a config file, a kubeconfig or `-o yaml` needs it, an
 * agent started from flags alone does not, and its module code was 5 % of the agent's start-up
 * CPU before the join (docs/performance.md).
 */
export const loadYaml = lazyPackage("yaml", () => require("yaml") as typeof import("yaml"));
