import type { Subprocess } from "bun";

/** Polls `condition` until it holds or `deadlineMs` passes (then throws naming `what`). */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, deadlineMs = 10_000): Promise<void> {
  const end = performance.now() + deadlineMs;
  for (;;) {
    if (await condition()) return;
    if (performance.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface RunningProcess {
  proc: Subprocess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a real program for a test; stop() kills it and waits for exit. Output is kept for failure messages. */
export function startProcess(argv: string[]): RunningProcess {
  let text = "";
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const drain = async (stream: ReadableStream<Uint8Array>): Promise<void> => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      if (text.length < 200_000) text += decoder.decode(chunk);
    }
  };
  void drain(proc.stdout).catch(() => undefined);
  void drain(proc.stderr).catch(() => undefined);
  return {
    proc,
    output: () => text,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

/** A loopback port that was free a moment ago. */
export function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

export async function canConnect(port: number, hostname = "127.0.0.1"): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname, port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}
