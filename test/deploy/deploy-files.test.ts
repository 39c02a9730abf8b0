import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const root = join(import.meta.dir, "../..");
const work = mkdtempSync(join(tmpdir(), "satellite-deploy-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface CloudConfig {
  write_files: { path: string; content: string; permissions: string }[];
  runcmd: string[][];
}

const cloudConfig = () => parse(readFileSync(join(root, "deploy/cloud-init.yaml"), "utf8")) as CloudConfig;
const KEY_FILE = "/etc/satellite/gossip.key";
/** What the unit, the image and npm start put in the agent's environment (docs/performance.md, "Knobs, measured"). */
const DEPLOYED_ENVIRONMENT = ["MIMALLOC_PURGE_HOLES_MIN_INTERVAL=10000", "BUN_JSC_useFTLJIT=0", "BUN_JSC_useWarmUpMarkedBlocks=0"];
/** What `satellite keygen` prints. */
const KEY_SHAPE = /^[A-Za-z0-9+/]{43}=$/;

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
    expect(paths).toEqual(["/etc/satellite/satellite.env", KEY_FILE, "/etc/satellite/satellite.yaml", "/etc/systemd/system/satellite.service"]);
    const unitFile = doc.write_files.find((f) => f.path.endsWith(".service"));
    // The unit is deploy/satellite.service itself, not a copy that drifts.
    expect(unitFile?.content).toBe(readFileSync(join(root, "deploy/satellite.service"), "utf8"));
    const env = doc.write_files[0]?.content ?? "";
    expect(env).toMatch(/^SATELLITE_BINARY_URL=/m);
    expect(env).toMatch(/^SATELLITE_TAGS=role:(node|master)$/m);
    expect(parse(doc.write_files[2]?.content ?? "")).toEqual({ checks: [] });
    expect(doc.runcmd.at(-1)).toEqual(["systemctl", "enable", "--now", "satellite.service"]);
  });
  test("both units read the gossip key from a 0600 file, never from a flag value, and do not restart on a configuration error", () => {
    const standalone = parseUnit(readFileSync(join(root, "deploy/satellite.service"), "utf8"));
    const embedded = parseUnit(cloudConfig().write_files.find((f) => f.path.endsWith(".service"))?.content ?? "");
    for (const unit of [standalone, embedded]) {
      const execStart = unit.Service?.ExecStart?.[0] ?? "";
      expect(execStart).toContain(`--encrypt-file ${KEY_FILE}`);
      expect(execStart).not.toMatch(/--encrypt[ =](?!-file)/);
      expect(unit.Service?.RestartPreventExitStatus).toEqual(["2"]);
      expect(unit.Service?.StateDirectoryMode).toEqual(["0700"]);
    }
    expect(embedded.Service?.ExecStart).toEqual(standalone.Service?.ExecStart as string[]);
    const keyFile = cloudConfig().write_files.find((f) => f.path === KEY_FILE);
    expect(keyFile?.permissions).toBe("0600");
    expect(keyFile?.content).toBe("");
  });

  test("cloud-init makes a key on the first node only, before the service starts, readable by root alone", () => {
    const doc = cloudConfig();
    const keyStep = doc.runcmd.findIndex((step) => step.join(" ").includes("satellite keygen"));
    expect(keyStep).toBeGreaterThan(0);
    expect(keyStep).toBeLessThan(doc.runcmd.findIndex((step) => step.join(" ").includes("enable")));
    const script = doc.runcmd[keyStep]?.[2] ?? "";

    // Runs the step as written, with /etc/satellite and the binary moved under a scratch directory.
    const satellite = join(work, "satellite");
    writeFileSync(satellite, `#!/bin/sh\nexec ${process.execPath} ${join(root, "src/main.ts")} "$@"\n`);
    chmodSync(satellite, 0o755);
    const runStep = (name: string, env: string, key: string) => {
      const etc = join(work, name);
      mkdirSync(etc, { recursive: true });
      writeFileSync(join(etc, "satellite.env"), env);
      writeFileSync(join(etc, "gossip.key"), key, { mode: 0o644 });
      const localScript = script.replaceAll("/usr/local/bin/satellite", satellite).replaceAll("/etc/satellite", etc);
      const result = Bun.spawnSync(["sh", "-c", localScript], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
      expect(result.stderr.toString()).toBe("");
      expect(result.exitCode).toBe(0);
      const path = join(etc, "gossip.key");
      return { key: readFileSync(path, "utf8"), mode: statSync(path).mode & 0o777, out: result.stdout.toString() };
    };

    const first = runStep("first", "SATELLITE_TAGS=role:master\n", "");
    expect(first.key.trim()).toMatch(KEY_SHAPE);
    expect(first.mode).toBe(0o600);
    expect(first.out).toContain("copy it into the user data of the other nodes");

    const joiner = runStep("joiner", "SATELLITE_INITIAL_CLUSTER=10.0.0.10:7946\n", "");
    expect(joiner.key).toBe("");
    expect(joiner.mode).toBe(0o600);

    const given = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=\n";
    const pasted = runStep("pasted", "SATELLITE_TAGS=role:master\n", given);
    expect(pasted.key).toBe(given);
    expect(pasted.mode).toBe(0o600);
  });

  test("the unit is hardened: two capabilities, a read-only system, a private /tmp, no restart after a clean exit", () => {
    const service = parseUnit(readFileSync(join(root, "deploy/satellite.service"), "utf8")).Service ?? {};
    expect(service.CapabilityBoundingSet).toEqual(["CAP_DAC_READ_SEARCH CAP_SYS_PTRACE"]);
    expect(service.ProtectSystem).toEqual(["strict"]);
    expect(service.StateDirectory).toEqual(["satellite"]);
    expect(service.PrivateTmp).toEqual(["yes"]);
    expect(service.NoNewPrivileges).toEqual(["yes"]);
    // `satellite leave` ends the agent with exit 0: it must stay stopped.
    expect(service.Restart).toEqual(["on-failure"]);
  });

  test("the unit, the image and npm start set the allocator's idle sweep interval and the JIT's top tier (read only from the environment)", () => {
    const service = parseUnit(readFileSync(join(root, "deploy/satellite.service"), "utf8")).Service ?? {};
    expect(service.Environment).toEqual(DEPLOYED_ENVIRONMENT);
    const containerfile = readFileSync(join(root, "deploy/Containerfile"), "utf8");
    for (const pair of DEPLOYED_ENVIRONMENT) expect(containerfile).toMatch(new RegExp(`^ENV ${pair}$`, "m"));
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toContain(`${DEPLOYED_ENVIRONMENT.join(" ")} ./dist/satellite agent`);
  });

  // The runtime refuses to start on a JavaScriptCore option it does not know: a Bun upgrade that
  // drops one must fail here, not on every node.
  test.skipIf(!existsSync(join(root, "dist/satellite")))("the executable starts with the deployed environment", () => {
    const env = Object.fromEntries(DEPLOYED_ENVIRONMENT.map((pair) => pair.split("=") as [string, string]));
    const run = Bun.spawnSync([join(root, "dist/satellite"), "version"], { env: { ...process.env, ...env } });
    expect(run.stderr.toString()).toBe("");
    expect(run.exitCode).toBe(0);
    const invalid = Bun.spawnSync([join(root, "dist/satellite"), "version"], { env: { ...process.env, BUN_JSC_noSuchOption: "0" } });
    expect(invalid.exitCode).not.toBe(0);
  });

  test("systemd-analyze security rates the unit's exposure 4.0 or lower", () => {
    const path = join(work, "satellite.service");
    writeFileSync(path, readFileSync(join(root, "deploy/satellite.service"), "utf8"));
    const result = Bun.spawnSync(["systemd-analyze", "security", "--offline=true", "--no-pager", path], { stdout: "pipe", stderr: "pipe", timeout: 30_000 });
    const text = `${result.stdout}${result.stderr}`;
    const exposure = text.match(/Overall exposure level for satellite\.service: (\d+\.\d+)/)?.[1];
    expect({ exposure: exposure === undefined ? text.slice(-500) : Number(exposure) <= 4.0 }).toEqual({ exposure: true });
  });

  test("cloud-init installs the binary only when its SHA-256 is the one given", () => {
    const step = cloudConfig().runcmd[0]?.[2] ?? "";
    expect(step).toContain("sha256sum");
    const binary = join(work, "downloaded");
    writeFileSync(binary, "#!/bin/sh\necho satellite\n");
    const sha256 = new Bun.CryptoHasher("sha256").update(readFileSync(binary)).digest("hex");
    const install = (name: string, checksum: string) => {
      const dir = join(work, `install-${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "satellite.env"), `SATELLITE_BINARY_URL=file://${binary}\nSATELLITE_BINARY_SHA256=${checksum}\n`);
      const script = step.replaceAll("/usr/local/bin", dir).replaceAll("/etc/satellite", dir);
      const result = Bun.spawnSync(["sh", "-c", script], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
      const installed = join(dir, "satellite");
      let mode: number | undefined;
      try {
        mode = statSync(installed).mode & 0o777;
      } catch {
        mode = undefined;
      }
      return { code: result.exitCode, err: result.stderr.toString(), mode, leftover: (() => { try { statSync(`${installed}.new`); return true; } catch { return false; } })() };
    };
    expect(install("right", sha256.toUpperCase())).toEqual({ code: 0, err: "", mode: 0o755, leftover: false });
    const wrong = install("wrong", "0".repeat(64));
    expect(wrong).toMatchObject({ mode: undefined, leftover: false });
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toContain("does not have SHA-256");
    const missing = install("missing", "");
    expect(missing).toMatchObject({ mode: undefined, leftover: false });
    expect(missing.err).toContain("SATELLITE_BINARY_SHA256 must be the 64 hex digits");
  });

  test.skipIf(Bun.which("systemd-analyze") === null)("systemd-analyze verify accepts both units without a warning", () => {
    const binary = join(work, "bin-satellite");
    writeFileSync(binary, "#!/bin/sh\n");
    chmodSync(binary, 0o755);
    const units = {
      "standalone.service": readFileSync(join(root, "deploy/satellite.service"), "utf8"),
      "embedded.service": cloudConfig().write_files.find((f) => f.path.endsWith(".service"))?.content ?? "",
    };
    for (const [name, text] of Object.entries(units)) {
      // verify checks that ExecStart's program exists: point it at a stand-in.
      const path = join(work, name);
      writeFileSync(path, text.replaceAll("/usr/local/bin/satellite", binary));
      const result = Bun.spawnSync(["systemd-analyze", "verify", path], { stdout: "pipe", stderr: "pipe", timeout: 20_000 });
      expect({ name, code: result.exitCode, out: `${result.stdout}${result.stderr}`.trim() }).toEqual({ name, code: 0, out: "" });
    }
  });
});
