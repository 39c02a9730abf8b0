import type { Exec } from "../platform/exec.ts";
import type { HttpFetch } from "../platform/http-fetch.ts";
import type { PrivateTextFiles } from "../platform/private-text-files.ts";
import type { SendMail } from "../platform/smtp-mail.ts";

/** The state files of notifiers: private (0600), written atomically, read bounded. */
export type NotifyFiles = PrivateTextFiles;

/** Every side effect notifiers have, injected: real ones in the agent, recorded or simulated ones in tests. */
export interface NotifyPlatform {
  httpFetch: HttpFetch;
  sendMail: SendMail;
  exec: Exec;
  /** The outboxes in the state directory. */
  stateFiles: NotifyFiles;
  /** Reads a file the operator named (a secret, a CA bundle): regular, at most `bytesMax`; links are followed. */
  readFile(path: string, bytesMax: number): string;
  /** The agent's environment, for secrets named by variable. */
  env: Readonly<Record<string, string | undefined>>;
}
