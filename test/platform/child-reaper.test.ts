import { describe, expect, test } from "bun:test";
import { createChildReaper, RUN_ID_VARIABLE, type ChildReaper } from "../../src/platform/child-reaper.ts";
import type { ProcessControl } from "../../src/platform/process-control.ts";
import type { ProcessTree } from "../../src/platform/process-tree.ts";

const SELF = 100;

interface FakeProcess {
  parent: number;
  state: string;
  env: Record<string, string>;
}

/** A process table in memory: killing makes a zombie and hands its children to SELF (the subreaper). */
function fakeHost(processes: Record<number, Partial<FakeProcess>>) {
  const table = new Map<number, FakeProcess>(Object.entries(processes).map(([pid, p]) => [Number(pid), { parent: SELF, state: "S", env: {}, ...p }]));
  const killed: number[] = [];
  const reaped: number[] = [];
  const tree: ProcessTree = {
    children: (pid) => [...table].filter(([, p]) => p.parent === pid).map(([child]) => child),
    subtree(pid) {
      const out = [pid];
      for (let i = 0; i < out.length; i++) out.push(...this.children(out[i] as number));
      return out;
    },
    state: (pid) => table.get(pid)?.state,
    environmentValue: (pid, name) => table.get(pid)?.env[name],
    all: () => [SELF, ...table.keys()],
  };
  const control: ProcessControl = {
    setChildSubreaper: () => true,
    reap(pid) {
      if (table.get(pid)?.state !== "Z") return "running";
      table.delete(pid);
      reaped.push(pid);
      return "reaped";
    },
  };
  const kill = (pid: number) => {
    const p = table.get(pid);
    if (!p || p.state === "Z") throw new Error("ESRCH");
    killed.push(pid);
    p.state = "Z";
    p.env = {};
    for (const child of table.values()) if (child.parent === pid) child.parent = SELF;
  };
  return { table, killed, reaped, tree, control, kill };
}

function reaperOn(host: ReturnType<typeof fakeHost>, options: { selfPid?: number; control?: ProcessControl } = {}): ChildReaper {
  return createChildReaper({ tree: host.tree, control: () => ("control" in options ? options.control : host.control), selfPid: options.selfPid ?? SELF, kill: host.kill, sweepIntervalMs: 3_600_000 });
}

describe("child reaper", () => {
  test("collects exited children Bun does not own, never one it owns", () => {
    const host = fakeHost({ 201: { state: "Z" }, 202: { state: "Z" }, 203: { state: "S" } });
    const reaper = reaperOn(host);
    reaper.own(202);
    reaper.start();
    expect(host.reaped).toEqual([201]);
    reaper.release(202);
    reaper.sweep();
    expect(host.reaped).toEqual([201, 202]);
    reaper.stop();
  });

  test("collects nothing before start: a process that did not opt in keeps its children's exits", () => {
    const host = fakeHost({ 201: { state: "Z" } });
    reaperOn(host).sweep();
    expect(host.reaped).toEqual([]);
  });

  test("endRun kills what carries the run's tag with everything below it, and nothing else", () => {
    const host = fakeHost({});
    const reaper = reaperOn(host);
    reaper.start();
    const run = reaper.beginRun();
    const other = reaper.beginRun();
    expect(run).toEqual({ name: RUN_ID_VARIABLE, value: `${SELF}.1` });
    host.table.set(301, { parent: SELF, state: "S", env: { [RUN_ID_VARIABLE]: run.value } }); // escaped with setsid
    host.table.set(302, { parent: 301, state: "S", env: {} }); // cleared its environment, still below 301
    host.table.set(303, { parent: SELF, state: "S", env: { [RUN_ID_VARIABLE]: other.value } }); // another run, still going
    host.table.set(304, { parent: SELF, state: "S", env: { [RUN_ID_VARIABLE]: run.value } }); // the other run's leader, owned
    reaper.own(304);
    expect(reaper.endRun(run)).toBe(2);
    expect(host.killed.sort()).toEqual([301, 302]);
    // Killed and re-parented: collected too.
    expect(host.reaped.sort()).toEqual([301, 302]);
    reaper.stop();
  });

  test("a sweep kills an adopted leftover of a run that is over, not one of a running run or another agent", () => {
    const host = fakeHost({});
    const reaper = reaperOn(host);
    reaper.start();
    const over = reaper.beginRun();
    const running = reaper.beginRun();
    reaper.endRun(over);
    // Showed up after endRun looked (a fork that was under way).
    host.table.set(401, { parent: SELF, state: "S", env: { [RUN_ID_VARIABLE]: over.value } });
    host.table.set(402, { parent: SELF, state: "S", env: { [RUN_ID_VARIABLE]: running.value } });
    host.table.set(403, { parent: SELF, state: "S", env: { [RUN_ID_VARIABLE]: "999.1" } });
    reaper.sweep();
    expect(host.killed).toEqual([401]);
    reaper.sweep();
    expect(host.reaped).toEqual([401]);
    reaper.stop();
  });

  test("without the subreaper endRun looks at every process", () => {
    const host = fakeHost({ 501: { parent: 1 } });
    const reaper = reaperOn(host);
    const run = reaper.beginRun();
    host.table.get(501)!.env[RUN_ID_VARIABLE] = run.value;
    expect(reaper.endRun(run)).toBe(1);
  });

  test.each([
    ["an ordinary process becomes a subreaper", SELF, true, { pid1: false, adopting: true, reaping: true }],
    ["PID 1 adopts orphans whatever prctl says", 1, false, { pid1: true, adopting: true, reaping: true }],
  ])("%s", (_name, selfPid, prctlWorks, expected) => {
    const host = fakeHost({});
    const reaper = reaperOn(host, { selfPid, control: { ...host.control, setChildSubreaper: () => prctlWorks } });
    expect(reaper.start()).toEqual(expected);
    reaper.stop();
  });

  test("without libc nothing can be collected, and the status says so", () => {
    const reaper = reaperOn(fakeHost({}), { selfPid: 1, control: undefined });
    expect(reaper.start()).toEqual({ pid1: true, adopting: true, reaping: false });
    reaper.stop();
  });
});
