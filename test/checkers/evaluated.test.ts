import { describe, expect, test } from "bun:test";
import type { ValueTree } from "../../src/collectors/collected-values.ts";
import { CollectorManager, type CollectorSource, type CollectorSnapshot } from "../../src/collectors/collector-manager.ts";
import { evaluatedKind } from "../../src/checkers/evaluated.ts";
import { ManualClock } from "../../src/platform/manual-clock.ts";
import { systemDisk } from "../../src/platform/disk.ts";
import { systemHostFiles } from "../../src/platform/host-files.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import type { CheckerSettings } from "../../src/probes/checker.ts";
import { fixture, recordedHost } from "../collectors/_recorded-host.ts";
import { optionErrors, testContext, testSettings } from "./_helpers.ts";

const kind = evaluatedKind({ files: systemHostFiles, disk: systemDisk });

/** A collector source whose values a test sets; records what the check asked for. */
function fakeSource(values: Record<string, ValueTree>, extra: Partial<CollectorSnapshot> = {}): CollectorSource & { used: string[][] } {
  const used: string[][] = [];
  return {
    used,
    async use(names) {
      used.push([...names]);
    },
    snapshot(name) {
      const tree = values[name];
      return tree === undefined ? undefined : { name, description: "", intervalMs: 10_000, active: true, samples: 2, valueCount: 1, values: tree, ...extra };
    },
    list: () => [],
  };
}

async function run(options: Record<string, unknown>, collectors: CollectorSource, settings: Partial<CheckerSettings> = {}) {
  const env = { settings: testSettings("/tmp", settings), logger: silentLogger, collectors };
  return kind.create(kind.options().parse(options), env)(testContext());
}

const CPU = { count: 2, cpu_all: { "%user": 80, "%system": 12, "%idle": 3.5, "%iowait": 4.5 } };
// kunai's linux pack, cpu.yml, in this project's words.
const cpuCheck = {
  thresholds: { cpu_idle_min: 10 },
  variables: { cpu_used: "100 - collector.cpu.cpu_all.%idle" },
  criticalIf: "collector.cpu.cpu_all.%idle < thresholds.cpu_idle_min",
  okOutput: "OK: CPU is used at {{variables.cpu_used}}%",
  criticalOutput: 'Critical: CPU idle is {{collector.cpu.cpu_all["%idle"]}}% (under {{thresholds.cpu_idle_min}}%)',
};

describe("evaluated check: outcomes", () => {
  test("critical with its output, the values it read as metrics, and the collectors it uses", async () => {
    const source = fakeSource({ cpu: CPU });
    const [o] = await run(cpuCheck, source);
    expect(o).toEqual({ status: "failed", severity: "critical", error: "Critical: CPU idle is 3.5% (under 10%)", metrics: { "cpu.cpu_all.pct_idle": 3.5, "thresholds.cpu_idle_min": 10, "variables.cpu_used": 96.5 } });
    expect(source.used).toEqual([["cpu"]]);
  });

  test("ok with its output when no condition holds", async () => {
    const [o] = await run(cpuCheck, fakeSource({ cpu: { ...CPU, cpu_all: { ...CPU.cpu_all, "%idle": 60 } } }));
    expect(o).toMatchObject({ status: "running", detail: "OK: CPU is used at 40%" });
  });

  test("a path written with brackets is the same value as with dots", async () => {
    const [o] = await run({ ...cpuCheck, okOutput: 'used {{variables["cpu_used"]}}%, idle {{collector["cpu"].cpu_all["%idle"]}}%, min {{thresholds["cpu_idle_min"]}}' }, fakeSource({ cpu: { ...CPU, cpu_all: { ...CPU.cpu_all, "%idle": 60 } } }));
    expect(o).toMatchObject({ status: "running", detail: "used 40%, idle 60%, min 10", metrics: { "cpu.cpu_all.pct_idle": 60, "thresholds.cpu_idle_min": 10, "variables.cpu_used": 40 } });
  });

  test("the node's thresholds override the check's own", async () => {
    const [o] = await run(cpuCheck, fakeSource({ cpu: CPU }), { thresholds: { cpu_idle_min: 2, unrelated: 5 } });
    expect(o).toMatchObject({ status: "running", metrics: { "thresholds.cpu_idle_min": 2 } });
    expect(o?.metrics).not.toHaveProperty("thresholds.unrelated");
  });

  test("warning when only warningIf holds; critical wins when both do", async () => {
    // kunai's load-average.yml.
    const load = {
      warningIf: "collector.load.load1 > 0.9 * collector.load.cpuCount",
      criticalIf: "collector.load.load1 > collector.load.cpuCount",
      warningOutput: "WARNING: load is at {{collector.load.load1}}",
      criticalOutput: "CRITICAL: load is at {{collector.load.load1}}",
    };
    expect((await run(load, fakeSource({ load: { load1: 1.9, cpuCount: 2 } })))[0]).toMatchObject({ status: "failed", severity: "warning", error: "WARNING: load is at 1.9" });
    expect((await run(load, fakeSource({ load: { load1: 2.5, cpuCount: 2 } })))[0]).toMatchObject({ status: "failed", severity: "critical", error: "CRITICAL: load is at 2.5" });
    expect((await run(load, fakeSource({ load: { load1: 0.5, cpuCount: 2 } })))[0]).toMatchObject({ status: "running", detail: "collector.load.load1=0.5, collector.load.cpuCount=2" });
  });

  test("without templates the output names the condition and the values it read", async () => {
    const [o] = await run({ thresholds: { max: 90 }, criticalIf: 'collector.diskusage["/"].usedPercent > thresholds.max' }, fakeSource({ diskusage: { "/": { usedPercent: 97.25 } } }));
    expect(o).toMatchObject({ status: "failed", severity: "critical", error: 'criticalIf matched: collector.diskusage["/"].usedPercent > thresholds.max (collector.diskusage["/"].usedPercent=97.25, thresholds.max=90)' });
    expect(o?.metrics).toEqual({ "diskusage./.usedPercent": 97.25, "thresholds.max": 90 });
  });

  test("strings compare as strings: the time zone", async () => {
    const [o] = await run({ warningIf: 'collector.timezone.name != "UTC"', warningOutput: "the zone is {{collector.timezone.name}} ({{collector.timezone.offsetMinutes / 60}} h)" }, fakeSource({ timezone: { name: "Europe/Paris", offsetMinutes: 90 } }));
    expect(o).toMatchObject({ status: "failed", severity: "warning", error: "the zone is Europe/Paris (1.5 h)" });
  });

  test("a value the collector does not have fails, saying what it has", async () => {
    const [o] = await run({ criticalIf: "collector.interfaces.eth9.rxErrorsPerSecond > 0" }, fakeSource({ interfaces: { eth0: { rxErrorsPerSecond: 0 }, lo: { rxErrorsPerSecond: 0 } } }));
    expect(o).toEqual({ status: "failed", error: "no value for collector.interfaces.eth9.rxErrorsPerSecond: collector interfaces has no such value; there: eth0, lo" });
  });

  test("a failing collector fails the check with its error", async () => {
    const [o] = await run({ criticalIf: "collector.memory.usedPercent > 90" }, fakeSource({ memory: {} }, { error: "/proc/meminfo is missing or not a regular file" }));
    expect(o).toEqual({ status: "failed", error: "no value for collector.memory.usedPercent: collector memory failed: /proc/meminfo is missing or not a regular file" });
  });

  test("outputs are bounded", async () => {
    const [o] = await run({ criticalIf: "1", criticalOutput: `${"x".repeat(1500)}{{collector.memory.usedPercent}}` }, fakeSource({ memory: { usedPercent: 1 } }));
    expect(new TextEncoder().encode(o?.error ?? "").length).toBeLessThanOrEqual(1024);
  });
});

describe("expressions over collected values", () => {
  const cases: [string, "failed" | "running"][] = [
    ["collector.cpu.cpu_all.%idle < 5", "failed"],
    ["collector.cpu.cpu_all.%user + collector.cpu.cpu_all.%system > 90", "failed"],
    ["not (collector.cpu.count >= 2)", "running"],
    ['collector.cpu.cpu_all["%iowait"] >= 4.5 and collector.cpu.cpu_all.%idle != 3.5', "running"],
    ["collector.cpu.cpu_all.%idle * 2 == 7", "failed"],
    ['collector.timezone.name == "UTC" || collector.cpu.count % 2 == 1', "failed"],
    ['collector.timezone.name != "UTC" && collector.cpu.count > 1', "running"],
    ["-collector.cpu.cpu_all.%idle < -3", "failed"],
  ];
  for (const [expression, status] of cases) {
    test(`${expression} -> ${status}`, async () => {
      const [o] = await run({ criticalIf: expression }, fakeSource({ cpu: { ...CPU, count: 3 }, timezone: { name: "UTC" } }));
      expect(o?.status).toBe(status);
    });
  }
});

describe("output templates", () => {
  const cases: [string, Record<string, number | string>, string][] = [
    ["plain text", {}, "plain text"],
    ["{{collector.memory.usedPercent}}%", { usedPercent: 42 }, "42%"],
    ["sum {{ collector.memory.usedPercent + 0.2 }}", { usedPercent: 0.1 }, "sum 0.3"],
    ["{{collector.memory.usedPercent > 50}}/{{collector.memory.usedPercent < 50}}", { usedPercent: 51 }, "1/0"],
    ["{{collector.memory.totalBytes / 1024 / 1024}} MiB", { totalBytes: 3 * 1024 * 1024 + 512 * 1024 }, "3.5 MiB"],
    ["{ not a placeholder } {{collector.memory.usedPercent}}", { usedPercent: 7 }, "{ not a placeholder } 7"],
  ];
  for (const [template, memory, rendered] of cases) {
    test(`${template} -> ${rendered}`, async () => {
      const [o] = await run({ criticalIf: "0", okOutput: template }, fakeSource({ memory }));
      expect(o?.detail ?? "").toBe(rendered);
    });
  }
});

describe("evaluated check: rates need two samples", () => {
  test("a check that starts its collector waits for the second sample, then judges the rates", async () => {
    const clock = new ManualClock();
    const files: Record<string, string> = { "/proc/stat": fixture("stat.0") };
    const manager = new CollectorManager({ host: recordedHost(files), clock, logger: silentLogger });
    const env = { settings: testSettings("/tmp"), logger: silentLogger, collectors: manager };
    const check = kind.create(kind.options().parse(cpuCheck), env);
    const pending = check({ ...testContext(), clock });
    files["/proc/stat"] = fixture("stat.1");
    await clock.advance(2_000);
    const [o] = await pending;
    // stat.0 -> stat.1: cpu_all is 70 % idle.
    expect(o).toMatchObject({ status: "running", detail: "OK: CPU is used at 30%" });
    manager.stop();
  });
});

describe("evaluated check: options checked at config load", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ okOutput: "x" }, "criticalIf: give warningIf or criticalIf (or both): an evaluated check needs a condition"],
    [{ criticalIf: "collector.cpu.cpu_all.%idel < 5" }, 'criticalIf: invalid expression: "collector.cpu.cpu_all.%idel" at position 1: collector cpu has no "%idel" under cpu_all; known: %user, %nice, %system, %idle, %iowait, %irq, %softirq, %steal'],
    [{ criticalIf: "collector.gpu.temp > 80" }, 'criticalIf: invalid expression: "collector.gpu.temp" at position 1: unknown collector "gpu"; known: cpu, memory, load, diskusage, diskio, interfaces, openports, timezone, containers'],
    [{ criticalIf: "collector.cpu.cpu_all > 5" }, 'criticalIf: invalid expression: "collector.cpu.cpu_all" at position 1: cpu.cpu_all is a group, not a value; go on with one of: %user, %nice, %system, %idle, %iowait, %irq, %softirq, %steal'],
    [{ criticalIf: "collector.memory.usedPercent > thresholds.mem_max" }, 'criticalIf: invalid expression: "thresholds.mem_max" at position 32: unknown threshold; declared: none (add it to the check\'s thresholds)'],
    [{ criticalIf: "memory.usedPercent > 5" }, 'criticalIf: invalid expression: "memory.usedPercent" at position 1: unknown name: values are collector.<collector>.<value>, thresholds.<name> or variables.<name>'],
    [{ criticalIf: 'collector.timezone.name > 5' }, 'criticalIf: invalid expression: ">" at position 25 compares a string with a number'],
    [{ criticalIf: 'fileExists("/etc/x")' }, 'criticalIf: invalid expression: function calls are not allowed here: "fileExists" at position 1'],
    [{ criticalIf: 'collector.diskusage["/].usedPercent > 1' }, "criticalIf: invalid expression: string at position 21 has no closing \""],
    [{ criticalIf: "1", okOutput: "idle {{collector.cpu.cpu_all.%idle" }, 'okOutput: invalid template: "{{" at position 6 has no closing "}}"'],
    [{ criticalIf: "1", okOutput: "a {{ }} b" }, 'okOutput: invalid template: "{{}}" at position 3 is empty: put a value between the braces, such as {{collector.memory.usedPercent}}'],
    [{ criticalIf: "1", okOutput: "{{collector.memory.used}}" }, 'okOutput: invalid template: in "{{" at position 1: "collector.memory.used" at position 1: collector memory has no "used"; known: totalBytes, availableBytes, usedPercent, swapTotalBytes, swapUsedPercent'],
    [{ criticalIf: "1", warningOutput: "w" }, "warningOutput: warningOutput without warningIf is never shown"],
    [{ criticalIf: "variables.b > 1", variables: { b: "variables.a + 1", a: "1" } }, 'variables.b: invalid expression: "variables.a" at position 1: variables.a is declared after this one: a variable reads only those declared above it'],
    // The reader of an invalid variable is not told that it does not exist.
    [{ criticalIf: "variables.b > 1", variables: { b: "variables.a + 1", a: "1" } }, 'criticalIf: invalid expression: "variables.b" at position 1: variables.b is invalid itself (see the error at its key)'],
    [{ criticalIf: "variables.c > 1", variables: { a: "1" } }, 'criticalIf: invalid expression: "variables.c" at position 1: unknown variable; declared: a (add it to the check\'s variables)'],
    [{ criticalIf: "1", thresholds: { "bad-name": 1 } }, "thresholds.bad-name: \"bad-name\": names are letters, digits and _ (at most 64), starting with a letter or _"],
  ];
  for (const [options, error] of cases) {
    test(`${JSON.stringify(options)} -> ${error}`, () => {
      expect(optionErrors(kind, options)).toContain(error);
    });
  }

  test("valid: kunai's four linux checks, translated (docs/checks.md)", () => {
    expect(optionErrors(kind, cpuCheck)).toEqual([]);
    expect(optionErrors(kind, { thresholds: { memory_warning: 90, memory_critical: 95 }, warningIf: "collector.memory.usedPercent > thresholds.memory_warning", criticalIf: "collector.memory.usedPercent > thresholds.memory_critical" })).toEqual([]);
    expect(optionErrors(kind, { thresholds: { diskuse_warning: 90 }, warningIf: "collector.diskusage['/'].usedPercent > thresholds.diskuse_warning" })).toEqual([]);
    expect(optionErrors(kind, { criticalIf: "collector.load.load1 > collector.load.cpuCount" })).toEqual([]);
    // An exact key of a shape wins over the "any name" key beside it.
    expect(optionErrors(kind, { criticalIf: "collector.cpu.count < 2 && collector.cpu.cpu3.%steal > 20" })).toEqual([]);
  });
});
