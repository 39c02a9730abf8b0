import { z } from "zod";
import { SatelliteError } from "../platform/errors.ts";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { DEFAULT_SCRIPT_PATH } from "./script.ts";
import { capText, failed, failedFrom, running } from "./_outcome.ts";
import { CONTAINERD_SOCKET } from "./_containerd-socket.ts";

export const containerdOptions = () => z.strictObject({
  /** containerd's gRPC socket. */
  socket: z.string().regex(/^\//, "expected an absolute socket path, e.g. /run/containerd/containerd.sock").max(4096).default(CONTAINERD_SOCKET),
  /** Also ask the daemon for its version with `ctr --address SOCKET version` when ctr is installed. */
  version: z.boolean().default(true),
});

export type ContainerdOptions = z.output<ReturnType<typeof containerdOptions>>;

/** ctr prints the server's version only when the daemon answered its Version call. */
function serverVersion(stdout: string): string | undefined {
  const server = stdout.split(/^Server:\s*$/m)[1];
  return server?.match(/^\s*Version:\s*(\S+)/m)?.[1];
}

/**
 * containerd (and so the CRI runtime kubelet talks to): the socket accepts a connection, then
 * the daemon answers its Version call through `ctr` when it is installed. containerd speaks
 * gRPC over HTTP/2; a client library for it is heavy, ctr ships with containerd.
 */
export function containerdKind(deps: Pick<CheckerDeps, "net" | "exec">): CheckerKind<ContainerdOptions> {
  return {
    kind: "containerd",
    description: "containerd's socket accepts connections and the daemon answers its version (ctr version, when ctr is installed)",
    options: containerdOptions,
    create(options) {
      const hint = `check the container runtime: systemctl status containerd; is ${options.socket} the right socket?`;
      return async (ctx) => {
        if (!deps.net.dialUnix) return [failed("containerd check failed: this platform cannot open unix sockets")];
        const started = ctx.clock.monotonicMs();
        try {
          await deps.net.dialUnix(options.socket, ctx.signal);
        } catch (error) {
          return [failedFrom(`containerd check failed: cannot connect to ${options.socket}`, error, { detail: hint })];
        }
        const connectMs = ctx.clock.monotonicMs() - started;
        if (!options.version) return [running({ detail: `containerd socket ${options.socket} accepts connections`, metrics: { connectMs } })];
        let result;
        try {
          result = await deps.exec.run(["ctr", "--address", options.socket, "--timeout", "5s", "version"], { env: { PATH: DEFAULT_SCRIPT_PATH }, signal: ctx.signal, outputBytesMax: 16 * 1024 });
        } catch (error) {
          if (error instanceof SatelliteError && error.code === "exec-start") {
            return [running({ detail: `containerd socket ${options.socket} accepts connections (ctr is not installed: version not asked)`, metrics: { connectMs } })];
          }
          return [failedFrom("containerd check failed: ctr version", error, { detail: hint })];
        }
        const version = serverVersion(result.stdout);
        if (result.exitCode !== 0 || version === undefined) {
          const said = (result.stderr.trim() || result.stdout.trim()).split("\n").at(-1) ?? "";
          return [failed(capText(`containerd check failed: ctr version ${result.exitCode === null ? `ended by ${result.signalCode}` : `exited ${result.exitCode}`}${said ? `: ${said}` : ""}`), { detail: hint })];
        }
        return [running({ detail: `containerd ${version} at ${options.socket}`, data: { socket: options.socket, version }, metrics: { connectMs } })];
      };
    },
  };
}
