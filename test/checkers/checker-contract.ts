import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CheckerDeps } from "../../src/checkers/deps.ts";
import { TEXT_BYTES_MAX } from "../../src/checkers/_outcome.ts";
import { createKubeConnector } from "../../src/kube/kube-api.ts";
import { createRestKubeConnector } from "../../src/kube/rest-connector.ts";
import type { Disk } from "../../src/platform/disk.ts";
import type { Exec } from "../../src/platform/exec.ts";
import type { HostFiles } from "../../src/platform/host-files.ts";
import type { HttpFetch } from "../../src/platform/http-fetch.ts";
import type { NetDialer } from "../../src/platform/net-dial.ts";
import { COMMON_CHECK_KEYS } from "../../src/probes/check-spec.ts";
import type { CheckRun, CheckerEnvironment, CheckerKind, CheckerSettings } from "../../src/probes/checker.ts";
import { type CheckRunReport, Scheduler } from "../../src/probes/scheduler.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { silentLogger } from "../../src/platform/logger.ts";
import { createSeededRandom } from "../../src/platform/random.ts";
import type { CheckOutcome } from "../../src/probes/check-outcome.ts";
import { testContext, testEnv } from "./_helpers.ts";

/** How the contract suite exercises one kind. */
export interface ContractCase {
  /** Options aimed at something that does not answer here (closed port, missing file...). */
  unreachable: Record<string, unknown>;
  /** Agent settings the kind reads (etcdServers, kubeconfig...), aimed at nothing. */
  settings?: Partial<CheckerSettings>;
}

export interface ContractSetup {
  kinds: (deps: CheckerDeps) => readonly CheckerKind<any>[];
  realDeps: CheckerDeps;
  cases: Record<string, ContractCase>;
  stateDir: string;
  /** How long a run may take after its signal is aborted. */
  abortGraceMs?: number;
}

const HUGE = "E".repeat(100_000);

/** Every call that takes a signal waits for it; the rest is the real host. */
function hangingDeps(real: CheckerDeps): CheckerDeps {
  const untilAborted = (signal: AbortSignal | undefined): Promise<never> =>
    new Promise((_, reject) => {
      if (!signal) return; // a checker that passes no signal hangs here: the test catches that
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  const http: HttpFetch = (request) => untilAborted(request.signal);
  const net: NetDialer = { dialTcp: (_h, _p, signal) => untilAborted(signal), dialUnix: (_path, signal) => untilAborted(signal) };
  const exec: Exec = {
    run: (_argv, options) =>
      untilAborted(options.signal).catch(() => ({ exitCode: null, signalCode: "SIGKILL", stdout: "", stderr: "", truncated: false, aborted: true })),
  };
  const dns = { query: (_s: unknown, _n: string, _t: string, signal: AbortSignal) => untilAborted(signal) };
  return { ...real, http, net, exec, dns, kube: createKubeConnector(http) };
}

/** Every dependency fails or answers with 100 KB of text. */
function hostileDeps(real: CheckerDeps): CheckerDeps {
  const files: HostFiles = {
    readText: async () => HUGE,
    readBytes: async () => new TextEncoder().encode(HUGE),
    listDir: async () => [HUGE],
    readLink: async () => HUGE,
  };
  const disk: Disk = {
    usage: () => Promise.reject(new Error(HUGE)),
    openSynced: () => Promise.reject(new Error(HUGE)),
    remove: async () => {},
  };
  const http: HttpFetch = async () => new Response(HUGE, { status: 500 });
  const net: NetDialer = { dialTcp: () => Promise.reject(new Error(HUGE)) };
  const exec: Exec = { run: async () => ({ exitCode: 2, signalCode: null, stdout: HUGE, stderr: HUGE, truncated: true, aborted: false }) };
  const inotify = { tryWatch: () => Promise.reject(new Error(HUGE)) };
  const dns = { query: () => Promise.reject(new Error(HUGE)) };
  // The REST connector here, client-node's in hangingDeps: both face the contract.
  return { ...real, files, disk, http, net, exec, inotify, dns, kube: createRestKubeConnector(http) };
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

export function expectValidOutcomes(outcomes: unknown): asserts outcomes is CheckOutcome[] {
  expect(Array.isArray(outcomes)).toBe(true);
  for (const o of outcomes as CheckOutcome[]) {
    expect(["running", "failed"]).toContain(o.status);
    if (o.severity !== undefined) expect(["critical", "warning"]).toContain(o.severity);
    if (o.status === "failed") expect(typeof o.error === "string" && o.error.length > 0).toBe(true);
    for (const field of ["error", "detail", "code"] as const) {
      const value = o[field];
      if (value !== undefined) {
        expect(typeof value).toBe("string");
        expect(utf8Bytes(value)).toBeLessThanOrEqual(TEXT_BYTES_MAX);
      }
    }
    if (o.data !== undefined) expect(utf8Bytes(JSON.stringify(o.data))).toBeLessThanOrEqual(64 * 1024);
    for (const value of Object.values(o.metrics ?? {})) expect(Number.isFinite(value)).toBe(true);
  }
  expect(utf8Bytes(JSON.stringify(outcomes))).toBeLessThanOrEqual(256 * 1024);
}

/** Resolves with the run's result or rejects if it takes longer than `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not resolve within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One kind as the contract runs it: built over the real host, over hanging and over hostile dependencies. */
export interface CheckerKindContract {
  /** The kind over its real dependencies. */
  kind: CheckerKind<any>;
  /** Options aimed at something that does not answer here (closed port, missing file...). */
  unreachable: Record<string, unknown>;
  /** Agent settings the kind reads, aimed at nothing. */
  settings?: Partial<CheckerSettings>;
  /** The same kind over dependencies that hang until the run's signal aborts; `kind` when it has none. */
  hangingKind?: CheckerKind<any>;
  /** The same kind over dependencies that fail or answer with 100 KB of text; `kind` when it has none. */
  hostileKind?: CheckerKind<any>;
  /** Where a kind may write; a fresh temporary directory by default. */
  stateDir?: string;
  /** How long a run may take after its signal is aborted (default 1,000 ms). */
  abortGraceMs?: number;
}

/**
 * The per-kind contract every checker passes, ours and anyone's: strict options, a description,
 * resolving (never throwing) against an unreachable target, settling promptly once aborted or
 * timed out by the real Scheduler, and bounded outputs against hostile dependencies.
 */
export function runCheckerKindContract(c: CheckerKindContract): void {
  const grace = c.abortGraceMs ?? 1000;
  const kind = c.kind;
  const stateDir = c.stateDir ?? mkdtempSync(join(tmpdir(), "checker-contract-"));
  const env = (): CheckerEnvironment => testEnv(stateDir, { nodeName: "contract-node", ...c.settings });
  const build = (variant: CheckerKind<any> | undefined): CheckRun => {
    const k = variant ?? kind;
    return k.create(k.options().parse(c.unreachable), env());
  };
  describe(`contract: ${kind.kind}`, () => {
    test("no option shares a name with the keys common to every check entry", () => {
      const shape = (kind.options() as unknown as { shape?: Record<string, unknown> }).shape;
      expect(shape).toBeDefined();
      expect(Object.keys(shape ?? {}).filter((k) => (COMMON_CHECK_KEYS as readonly string[]).includes(k))).toEqual([]);
    });

    test("has a description and a strict options schema", () => {
      expect(kind.description.length).toBeGreaterThan(10);
      expect(kind.options().safeParse({ ...c.unreachable, surelyNotAnOption: 1 }).success).toBe(false);
      expect(kind.options().safeParse(c.unreachable).success).toBe(true);
    });

    test("unreachable target: resolves with valid failed-or-skipped outcomes, never throws", async () => {
      const run = build(kind);
      const outcomes = await within(15_000, kind.kind, run(testContext(AbortSignal.timeout(10_000))));
      expectValidOutcomes(outcomes);
    });

    test("hanging dependencies: resolves promptly once the signal is aborted", async () => {
      const run = build(c.hangingKind);
      const controller = new AbortController();
      const pending = run(testContext(controller.signal));
      setTimeout(() => controller.abort(new DOMException("check timed out", "TimeoutError")), 20);
      const outcomes = await within(grace + 20, `${kind.kind} after abort`, pending);
      expectValidOutcomes(outcomes);
    });

    test("already-aborted signal: resolves promptly", async () => {
      const run = build(c.hangingKind);
      const controller = new AbortController();
      controller.abort();
      expectValidOutcomes(await within(grace, `${kind.kind} pre-aborted`, run(testContext(controller.signal))));
    });

    test("under the real Scheduler: its timeout aborts the run and the check settles promptly", async () => {
      const run = build(c.hangingKind);
      let settled = false;
      const tracked: CheckRun = (ctx) => {
        const p = run(ctx);
        void p.then(() => (settled = true), () => (settled = true));
        return p;
      };
      const scheduler = new Scheduler({ clock: systemClock, random: createSeededRandom(1), logger: silentLogger, concurrencyMax: 1, jitterFraction: 0, onReport: () => {} });
      scheduler.add({ name: kind.kind, intervalMs: 60_000, timeoutMs: 30, run: tracked });
      const report = await within(grace, `${kind.kind} report`, scheduler.runNow(kind.kind) as Promise<CheckRunReport>);
      await within(grace, `${kind.kind} settling after the scheduler's timeout`, new Promise<void>((resolve) => {
        const poll = (): void => (settled ? resolve() : void setTimeout(poll, 5));
        poll();
      }));
      await scheduler.stop();
      // A hanging dependency means the timeout decided; a kind that needs no I/O may finish first.
      if (report.error) expect(report.error).toContain("timed out");
    });

    test("hostile dependencies (100 KB errors and bodies): outputs stay bounded", async () => {
      const run = build(c.hostileKind);
      const outcomes = await within(5_000, kind.kind, run(testContext(AbortSignal.timeout(4_000))));
      expectValidOutcomes(outcomes);
    });
  });
}

/** The shared suite every registered checker kind passes. */
export function runCheckerContract(setup: ContractSetup): void {
  const kinds = setup.kinds(setup.realDeps);
  const variant = (deps: CheckerDeps, kindName: string) => setup.kinds(deps).find((k) => k.kind === kindName);

  test("every registered kind has a contract case", () => {
    expect(Object.keys(setup.cases).sort()).toEqual(kinds.map((k) => k.kind).sort());
  });

  for (const kind of kinds) {
    const c = setup.cases[kind.kind];
    if (!c) continue;
    runCheckerKindContract({
      kind,
      unreachable: c.unreachable,
      settings: c.settings,
      hangingKind: variant(hangingDeps(setup.realDeps), kind.kind),
      hostileKind: variant(hostileDeps(setup.realDeps), kind.kind),
      stateDir: setup.stateDir,
      abortGraceMs: setup.abortGraceMs,
    });
  }
}
