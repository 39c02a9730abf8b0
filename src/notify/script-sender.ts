import type { Exec } from "../platform/exec.ts";
import type { NotificationSender } from "./notification-sender.ts";

/** Output kept of a notifier script, stdout and stderr each (serf keeps 8 KiB of a handler's). */
export const SCRIPT_OUTPUT_BYTES_MAX = 8 * 1024;

export interface ScriptOptions {
  command: readonly string[];
  notifier: string;
  exec: Exec;
  /** PATH (and nothing else of the agent's environment) is passed on. */
  path: string;
}

/**
 * Runs the command with the notification's JSON document on stdin and the essentials in its
 * environment (SATELLITE_NOTIFIER, SATELLITE_EVENT: the change, SATELLITE_EVENT_ID: the
 * idempotency key). Exit 0 is delivered; anything else, a timeout (the process group is killed
 * then) or a start failure is retried.
 */
export function createScriptSender(options: ScriptOptions): NotificationSender {
  return {
    async deliver(item, signal) {
      const result = await options.exec.run(options.command, {
        env: {
          PATH: options.path,
          SATELLITE_NOTIFIER: options.notifier,
          SATELLITE_EVENT: item.notification.change,
          SATELLITE_EVENT_ID: item.notification.key,
        },
        stdin: `${JSON.stringify(item.document)}\n`,
        signal,
        outputBytesMax: SCRIPT_OUTPUT_BYTES_MAX,
      });
      if (result.aborted) throw new Error(`script ${options.command[0]} did not finish in time; its process group was killed`);
      if (result.exitCode !== 0) {
        const said = (result.stderr || result.stdout).trim().split("\n").slice(-3).join(" | ").slice(0, 300);
        throw new Error(`script ${options.command[0]} exited ${result.exitCode ?? `on signal ${result.signalCode}`}${said ? `: ${said}` : ""}`);
      }
    },
  };
}
