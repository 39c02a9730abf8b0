import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../support/processes.ts";

/** Debian's python3-aiosmtpd lives in the system Python. */
const PYTHON = "/usr/bin/python3";

/**
 * aiosmtpd with STARTTLS required and AUTH (user `satellite`, password `pw-123`), printing
 * each message it accepts as one JSON line: what a mail relay of an operator looks like.
 */
const TLS_SERVER = `
import json, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
class Handler:
    async def handle_DATA(self, server, session, envelope):
        print(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "tls": session.ssl is not None, "authenticated": bool(session.authenticated), "data": envelope.content.decode()}), flush=True)
        return "250 OK"
def auth(server, session, envelope, mechanism, data):
    return AuthResult(success=isinstance(data, LoginPassword) and data.login == b"satellite" and data.password == b"pw-123")
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(sys.argv[2], sys.argv[3])
Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]), tls_context=context, require_starttls=True, authenticator=auth, auth_require_tls=True).start()
print("READY", flush=True)
time.sleep(600)
`;

export interface ReceivedMail {
  data: string;
  to: string[];
  tls?: boolean;
  authenticated?: boolean;
}

export class SmtpServer {
  readonly mails: ReceivedMail[] = [];
  private constructor(
    readonly port: number,
    private readonly proc: ReturnType<typeof Bun.spawn>,
  ) {}

  /** `plain`: `python3 -m aiosmtpd -n` (no TLS, no auth); `tls`: STARTTLS and AUTH required, certificate for 127.0.0.1. */
  static async start(mode: "plain" | "tls"): Promise<SmtpServer & { caFile?: string }> {
    const port = await freePort();
    let caFile: string | undefined;
    let argv: string[];
    if (mode === "plain") {
      argv = [PYTHON, "-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${port}`];
    } else {
      const dir = mkdtempSync(join(tmpdir(), "satellite-smtp-"));
      caFile = join(dir, "cert.pem");
      const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", caFile, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stderr: "ignore" });
      if (made.exitCode !== 0) throw new Error("openssl could not make a test certificate");
      argv = [PYTHON, "-c", TLS_SERVER, String(port), caFile, join(dir, "key.pem")];
    }
    const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "ignore" });
    const server = Object.assign(new SmtpServer(port, proc), { caFile });
    void server.read(proc.stdout as ReadableStream<Uint8Array>, mode === "tls");
    await waitFor(async () => (await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then((s) => (s.end(), true)).catch(() => false)), 15_000, "SMTP server listening");
    return server;
  }

  /** JSON lines (the TLS server), or the plain server's printout of each message between its markers. */
  private async read(stream: ReadableStream<Uint8Array>, json: boolean): Promise<void> {
    const decoder = new TextDecoder();
    const end = "------------ END MESSAGE ------------";
    let text = "";
    for await (const chunk of stream) {
      text += decoder.decode(chunk);
      for (;;) {
        if (json) {
          const nl = text.indexOf("\n");
          if (nl < 0) break;
          const line = text.slice(0, nl);
          text = text.slice(nl + 1);
          if (line.startsWith("{")) this.mails.push(JSON.parse(line) as ReceivedMail);
        } else {
          const at = text.indexOf(end);
          if (at < 0) break;
          this.mails.push({ data: text.slice(0, at).split("---------- MESSAGE FOLLOWS ----------").at(-1) ?? "", to: [] });
          text = text.slice(at + end.length);
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.proc.kill();
    await this.proc.exited;
  }
}
