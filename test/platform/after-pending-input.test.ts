import { expect, test } from "bun:test";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "../support/processes.ts";

const FIXTURE = join(import.meta.dir, "../fixtures/event-loop/late-timer.ts");
const PACKETS = 3;

/**
 * What membership's deadlines rely on (src/membership/after-pending-input.ts): in Bun, a timer
 * that fell due while the process was not scheduled often runs before the packets that arrived
 * meanwhile are read, and a 0 ms timer set from it runs after they were. The child is stopped
 * (SIGSTOP, as a host too busy to schedule it) until its 300 ms timer is overdue, with packets
 * waiting in its socket. Linux only (it reads the child's wait channel from /proc).
 */

/** One stopped-and-continued run of the fixture. */
async function lateTimerRun(): Promise<{ atTimer: number; atDeferred: number; lateMs: number }> {
  const child = Bun.spawn([process.execPath, FIXTURE], { stdout: "pipe", stderr: "pipe" });
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  try {
    const reader = child.stdout.getReader();
    const lines: string[] = [];
    let buffered = "";
    const readLine = async (): Promise<string> => {
      while (lines.length === 0) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`late-timer fixture ended early: ${await new Response(child.stderr).text()}`);
        buffered += new TextDecoder().decode(value);
        const parts = buffered.split("\n");
        buffered = parts.pop() ?? "";
        lines.push(...parts.filter((l) => l.trim() !== ""));
      }
      return lines.shift() as string;
    };
    const { port } = JSON.parse(await readLine()) as { port: number };
    const timerSetAt = performance.now();
    // Stopped while it waits in epoll, as a process that is idle when its host gets busy: stopped
    // anywhere else, it would poll the sockets before it looks at its timers.
    await waitFor(() => readFileSync(`/proc/${child.pid}/wchan`, "utf8") === "do_epoll_wait", 5_000, "the child to wait in epoll");
    child.kill("SIGSTOP");
    const sender = createSocket("udp4");
    for (let i = 0; i < PACKETS; i++) await new Promise<void>((resolve, reject) => sender.send("x", port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
    sender.close();
    // Keep it stopped until its timer is well overdue (the condition is the elapsed time itself).
    await waitFor(() => performance.now() - timerSetAt > 500, 5_000, "the stopped child's timer to be overdue");
    child.kill("SIGCONT");
    return JSON.parse(await readLine()) as { atTimer: number; atDeferred: number; lateMs: number };
  } finally {
    clearTimeout(killer);
    child.kill("SIGKILL");
  }
}

test("a 0 ms timer set from a late timer runs after the packets that were waiting", async () => {
  // Usually the late timer runs before the waiting packets are read (atTimer 0): that is the
  // case that matters, and a deferral that does not wait for them fails it. Sometimes, on a
  // loaded machine, the loop reads them first; the deferred work must see them either way.
  const runs = [await lateTimerRun(), await lateTimerRun(), await lateTimerRun()];
  for (const run of runs) {
    expect(run.lateMs).toBeGreaterThan(100);
    expect(run.atDeferred).toBe(PACKETS);
  }
});
