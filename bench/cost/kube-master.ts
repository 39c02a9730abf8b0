/**
 * The memory of one agent with the full default check set of a Kubernetes master
 * (kube-master-host.ts builds the host it sees), every --satellite build at the same time (one
 * agent each, on its own ports), sampled from /proc every 5 s: RSS, private memory (RssAnon)
 * and the executable's pages (RssFile), against the target RSS <= 45 MiB. The agents start with
 * `--log-level debug`, so the bench can say when each freed its start-up memory.
 *
 * Usage (root, for etcd's and the health endpoints' ports): bun bench/cost/kube-master.ts
 *   [--satellite=dist/satellite[,other-build...]] [--duration=300]
 * Writes bench/cost/out/kube-master.json.
 */
import { closeSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { freePort } from "../../test/support/processes.ts";
import { evictExecutables } from "../support/page-cache.ts";
import { median, report } from "../support/report.ts";
import { startKubeMasterHost } from "./kube-master-host.ts";

const args = new Map(process.argv.slice(2).map((a) => { const [k, ...v] = a.replace(/^--/, "").split("="); return [k as string, v.join("=")]; }));
for (const key of args.keys()) if (key !== "satellite" && key !== "duration") throw new Error(`--${key}: unknown option; see the usage at the top of bench/cost/kube-master.ts`);
const durationS = Number(args.get("duration") ?? 300);
if (!Number.isInteger(durationS) || durationS < 30 || durationS > 3600) throw new Error(`--duration=${args.get("duration")}: expected whole seconds within 30..3600`);
const builds = (args.get("satellite") ?? join(import.meta.dir, "../../dist/satellite")).split(",");
for (const build of builds) if (!Bun.which(build)) throw new Error(`--satellite=${build}: no such executable; build it with: bun scripts/build.ts`);
const RSS_TARGET_MIB = 45;
const SAMPLE_MS = 5000;

interface Sample { atS: number; rssMiB: number; privateMiB: number; fileMiB: number }

function readMemory(pid: number, atS: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? Number.NaN) / 1024;
  return { atS, rssMiB: kib("VmRSS"), privateMiB: kib("RssAnon"), fileMiB: kib("RssFile") };
}

// Every build read from disk, as on a host after its install (bench/support/page-cache.ts).
for (const failure of evictExecutables(builds)) console.log(`note: not evicted from the page cache: ${failure}`);
const work = mkdtempSync(join(tmpdir(), "satellite-kube-master-"));
const host = await startKubeMasterHost(join(work, "host"));
for (const note of host.notes) console.log(`note: ${note}`);
const loadBefore = loadavg()[0] as number;
const agents = await Promise.all(builds.map(async (build, i) => {
  const dir = join(work, `agent-${i}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "config.yaml"), "defaultChecks: true\n");
  const [rpc, gossip] = [await freePort(), await freePort()];
  // node-1 is a Node the recorded API server knows, so the node's own checks find it.
  const argv = [build, "agent", "--log-level", "debug", "--name", "node-1", "--tags", "role:master", "--profile", "lan", "--rpc-addr", `127.0.0.1:${rpc}`, "--gossip-addr", `127.0.0.1:${gossip}`, "--advertise-addr", "127.0.0.1", "--state-dir", dir, "--config", join(dir, "config.yaml"), ...host.agentArgs];
  const log = openSync(join(dir, "agent.log"), "a");
  const proc = Bun.spawn(argv, { env: host.env, stdout: log, stderr: log });
  closeSync(log);
  return { build, proc, log: join(dir, "agent.log"), samples: [] as Sample[] };
}));

try {
  const started = performance.now();
  console.log(`[0s] ${agents.length} agent(s) started; sampling every ${SAMPLE_MS / 1000} s for ${durationS} s (load ${loadBefore.toFixed(2)})`);
  while (performance.now() - started < durationS * 1000) {
    await Bun.sleep(SAMPLE_MS);
    const atS = Math.round((performance.now() - started) / 1000);
    for (const agent of agents) {
      if (agent.proc.exitCode !== null) throw new Error(`${agent.build} exited with ${agent.proc.exitCode} at ${atS} s; its log: ${agent.log}`);
      agent.samples.push(readMemory(agent.proc.pid, atS));
    }
    if (atS % 60 < SAMPLE_MS / 1000) console.log(`[${atS}s] ${agents.map((a) => `${basename(a.build)} ${a.samples.at(-1)?.rssMiB.toFixed(1)} MiB`).join(", ")}`);
  }
  const rows = await Promise.all(agents.map(async (agent) => {
    const text = await Bun.file(agent.log).text();
    const checks = text.match(/msg="agent started".* checks=(\d+)/)?.[1] ?? "?";
    const notEnabled = [...text.matchAll(/msg="built-in check not enabled" check=(\S+)/g)].map((m) => m[1]);
    const released = /msg="start-up memory released"/.exec(text);
    const lastMinute = agent.samples.filter((s) => s.atS > durationS - 60);
    const end = agent.samples.at(-1) as Sample;
    const rss = median(lastMinute.map((s) => s.rssMiB));
    return {
      build: basename(agent.build),
      checks,
      "not enabled": notEnabled.join(",") || "-",
      "memory freed": released ? "yes" : "no",
      "peak RSS MiB": Math.max(...agent.samples.map((s) => s.rssMiB)).toFixed(1),
      "RSS MiB (last min, median)": rss.toFixed(1),
      "private MiB": end.privateMiB.toFixed(1),
      "executable MiB": end.fileMiB.toFixed(1),
      [`RSS <= ${RSS_TARGET_MIB} MiB`]: rss <= RSS_TARGET_MIB ? "met" : "missed",
    };
  }));
  report(`one agent with the default checks of a Kubernetes master, ${durationS} s (load average ${loadBefore.toFixed(2)} -> ${(loadavg()[0] as number).toFixed(2)})`, rows, join(import.meta.dir, "out/kube-master.json"), {
    durationS,
    notes: host.notes,
    samples: agents.map((a) => ({ build: a.build, samples: a.samples })),
  });
} finally {
  for (const agent of agents) agent.proc.kill("SIGTERM");
  await Promise.all(agents.map((a) => a.proc.exited));
  await host.stop();
  rmSync(work, { recursive: true, force: true });
}
