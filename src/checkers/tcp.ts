import { z } from "zod";
import type { CheckerKind } from "../probes/checker.ts";
import type { CheckerDeps } from "./deps.ts";
import { failed, running, describeCause } from "./_outcome.ts";

const ADDRESS = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/;

/** "host:port" or "[v6]:port" -> {host, port}. */
export const tcpAddress = () => z
  .string()
  .regex(ADDRESS, 'expected host:port, e.g. "127.0.0.1:2379" or "[::1]:6443"')
  .transform((v, ctx) => {
    const m = ADDRESS.exec(v) as RegExpExecArray;
    const port = Number(m[3]);
    if (port < 1 || port > 65535) {
      ctx.addIssue({ code: "custom", message: `port ${port} is out of range 1-65535` });
      return z.NEVER;
    }
    return { host: (m[1] ?? m[2]) as string, port, text: v };
  });

export const tcpOptions = () => z.strictObject({ address: tcpAddress() });

export type TcpOptions = z.output<ReturnType<typeof tcpOptions>>;

export function tcpKind(deps: Pick<CheckerDeps, "net">): CheckerKind<TcpOptions> {
  return {
    kind: "tcp",
    description: "A TCP connection to host:port can be opened",
    options: tcpOptions,
    create(options) {
      const { host, port, text } = options.address;
      return async (ctx) => {
        const start = ctx.clock.monotonicMs();
        try {
          const result = await deps.net.dialTcp(host, port, ctx.signal);
          const durationMs = Math.round((ctx.clock.monotonicMs() - start) * 100) / 100;
          return [
            running({
              detail: `connected to ${text}${result.remoteAddress && result.remoteAddress !== host ? ` (${result.remoteAddress})` : ""} in ${durationMs} ms`,
              data: { address: text, durationMs },
              metrics: { durationMs },
            }),
          ];
        } catch (error) {
          return [failed(`cannot connect to ${text}: ${describeCause(error)}`, { data: { address: text } })];
        }
      };
    },
  };
}
