import { z } from "zod";

/** Node thresholds at most; as many as one check may declare. */
export const NODE_THRESHOLDS_MAX = 64;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const perRole = () => z.strictObject({ master: z.number().finite().optional(), node: z.number().finite().optional() });

/**
 * The agent's `thresholds`: this node's values for the evaluated checks' named thresholds
 * (docs/checks.md, `evaluated`), each one number or one per role (`{ master: 90, node: 97 }`).
 * A name no check declares is harmless: a config file shipped to every node names them all.
 */
export function thresholdsSchema() {
  return z
    .record(z.string(), z.union([z.number().finite(), perRole()]))
    .superRefine((t, ctx) => {
      const names = Object.keys(t);
      if (names.length > NODE_THRESHOLDS_MAX) ctx.addIssue({ code: "custom", message: `at most ${NODE_THRESHOLDS_MAX} thresholds, got ${names.length}` });
      for (const name of names) {
        if (!NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: `${JSON.stringify(name.slice(0, 80))}: names are letters, digits and _ (at most 64), starting with a letter or _` });
      }
    });
}

export type ThresholdsConfig = z.output<ReturnType<typeof thresholdsSchema>>;

/** This node's numbers: a per-role value picks the node's role; a role without a value leaves the check's own. */
export function thresholdsForRole(config: ThresholdsConfig, role: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(config)) {
    const resolved = typeof value === "number" ? value : role === "master" || role === "node" ? value[role] : undefined;
    if (resolved !== undefined) out[name] = resolved;
  }
  return out;
}
