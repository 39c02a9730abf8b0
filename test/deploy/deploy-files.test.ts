import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const root = join(import.meta.dir, "../..");

/** Parses a systemd unit into sections of key -> values (keys may repeat). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
    const header = line.match(/^\[(\w+)\]$/);
    if (header) {
      current = sections[header[1] as string] = {};
      return;
    }
    const kv = line.match(/^([A-Za-z]+)=(.*)$/);
    if (!kv || !current) throw new Error(`line ${index + 1} is not "Key=value" inside a section: ${raw}`);
    (current[kv[1] as string] ??= []).push(kv[2] as string);
  });
  return sections;
}

describe("deploy/", () => {
  test("satellite.service is a valid unit that runs the agent and stops it with SIGTERM", () => {
    const unit = parseUnit(readFileSync(join(root, "deploy/satellite.service"), "utf8"));
    expect(Object.keys(unit)).toEqual(["Unit", "Service", "Install"]);
    expect(unit.Service?.ExecStart?.[0]).toStartWith("/usr/local/bin/satellite agent ");
    expect(unit.Service?.KillSignal).toEqual(["SIGTERM"]);
    expect(unit.Install?.WantedBy).toEqual(["multi-user.target"]);
  });

  test("cloud-init.yaml parses, writes the unit and env, and starts the service", () => {
    const text = readFileSync(join(root, "deploy/cloud-init.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("#cloud-config");
    const doc = parse(text) as { write_files: { path: string; content: string }[]; runcmd: string[][] };
    const paths = doc.write_files.map((f) => f.path);
    expect(paths).toEqual(["/etc/satellite/satellite.env", "/etc/satellite/satellite.yaml", "/etc/systemd/system/satellite.service"]);
    const unitFile = doc.write_files.find((f) => f.path.endsWith(".service"));
    const unit = parseUnit(unitFile?.content ?? "");
    expect(unit.Service?.ExecStart?.[0]).toContain("satellite agent");
    const env = doc.write_files[0]?.content ?? "";
    expect(env).toMatch(/^SATELLITE_BINARY_URL=/m);
    expect(env).toMatch(/^SATELLITE_TAGS=role:(node|master)$/m);
    expect(parse(doc.write_files[1]?.content ?? "")).toEqual({ checks: [] });
    expect(doc.runcmd.at(-1)).toEqual(["systemctl", "enable", "--now", "satellite.service"]);
  });
});
