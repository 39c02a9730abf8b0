import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckOutcome } from "../probes/check-outcome.ts";
import type { CheckerDeps } from "./deps.ts";
import { capText, describeCause, failed, running } from "./_outcome.ts";
import { DEFAULT_SCRIPT_PATH } from "./script.ts";

export interface UnitState {
  unit: string;
  load: string;
  active: string;
  sub: string;
}

/** Load states that mean the unit file itself is broken (not-found and masked are normal in --all listings). */
const LOAD_ERRORS = new Set(["error", "bad-setting"]);

export const systemdOptions = () => z.strictObject({
  /** Unit names (or globs with *) never reported. */
  ignoreUnits: z.array(z.string().min(1)).default([]),
});

export type SystemdOptions = z.output<ReturnType<typeof systemdOptions>>;

/** `systemctl list-units --output=json` (systemd >= 246). Undefined when it is not that format. */
export function parseUnitsJson(stdout: string): UnitState[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  return parsed.flatMap((u: Record<string, unknown>) =>
    typeof u.unit === "string" ? [{ unit: u.unit, load: String(u.load ?? ""), active: String(u.active ?? ""), sub: String(u.sub ?? "") }] : [],
  );
}

/** `systemctl list-units --all --plain --no-legend`: UNIT LOAD ACTIVE SUB DESCRIPTION... per line. */
export function parseUnitsPlain(stdout: string): UnitState[] {
  return stdout.split("\n").flatMap((line) => {
    const fields = line.replace(/^[●*]\s*/, "").trim().split(/\s+/);
    if (fields.length < 4 || !fields[0]) return [];
    const [unit, load, active, sub] = fields as [string, string, string, string];
    return [{ unit, load, active, sub }];
  });
}

/** Units in failed state or with a load error, minus ignored ones. */
export function problemUnits(units: readonly UnitState[], ignore: readonly string[]): UnitState[] {
  const patterns = ignore.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`));
  return units.filter((u) => (u.active === "failed" || LOAD_ERRORS.has(u.load)) && !patterns.some((p) => p.test(u.unit)));
}

/**
 * One failed outcome per failed or load-error unit (detail = unit name), or one running outcome.
 * Asks systemctl for JSON and falls back to the plain listing on older systemd.
 */
export function systemdKind(deps: Pick<CheckerDeps, "exec">): CheckerKind<SystemdOptions> {
  return {
    kind: "systemd",
    description: "systemd units: one failed probe per unit in failed or load-error state",
    options: systemdOptions,
    create(options) {
      const env = { PATH: DEFAULT_SCRIPT_PATH, SYSTEMD_COLORS: "0", LC_ALL: "C" };
      const run = (args: string[], signal: AbortSignal) =>
        deps.exec.run(["systemctl", "list-units", "--all", "--no-pager", ...args], { env, signal, outputBytesMax: 4 * 1024 * 1024 });
      return async (ctx): Promise<CheckOutcome[]> => {
        let units: UnitState[] | undefined;
        try {
          const json = await run(["--output=json"], ctx.signal);
          if (json.aborted) return [failed("systemctl did not answer in time")];
          units = json.exitCode === 0 ? parseUnitsJson(json.stdout) : undefined;
          if (!units) {
            const plain = await run(["--plain", "--no-legend", "--full"], ctx.signal);
            if (plain.aborted) return [failed("systemctl did not answer in time")];
            if (plain.exitCode !== 0) {
              const why = capText((plain.stderr || json.stderr).trim() || `exit code ${plain.exitCode}`, 512);
              return [failed(`systemctl list-units failed: ${why}`, { detail: "is systemd the init system here? check systemctl status" })];
            }
            units = parseUnitsPlain(plain.stdout);
          }
        } catch (error) {
          return [failed(`cannot run systemctl: ${describeCause(error)}`)];
        }
        const problems = problemUnits(units, options.ignoreUnits);
        if (problems.length === 0) return [running({ detail: `${units.length} units, none failed`, metrics: { units: units.length } })];
        return problems.slice(0, 100).map((u) =>
          failed(u.active === "failed" ? `unit ${u.unit} has failed` : `unit ${u.unit} failed to load (${u.load})`, {
            detail: u.unit,
            data: u,
          }),
        );
      };
    },
  };
}
