import { readApiTokenFile } from "../config/api-token-file.ts";
import { sleep, systemClock } from "../platform/clock.ts";
import { describeError } from "../platform/errors.ts";
import type { TlsMaterial } from "../platform/http-fetch.ts";
import { createAgentApi, type AgentApi } from "./agent-client.ts";
import { EXIT_USAGE, type CliDeps } from "./cli-deps.ts";
import { CommandExit } from "./command-context.ts";

/** The flags every command that talks to the agent takes (status, members, join, leave, history, checks). */
export interface AgentConnectionArgs {
  "rpc-port"?: string;
  addr?: string;
  "api-token"?: string;
  "api-token-file"?: string;
  "ca-file"?: string;
  "client-cert-file"?: string;
  "client-key-file"?: string;
}

/** Where a client command looks for the agent when no flag and no SATELLITE_ADDR says. */
export const AGENT_ADDRESS_DEFAULT = "127.0.0.1:7575";

export const AGENT_CONNECTION_ARGS = {
  addr: { type: "string", description: "Agent API address host:port, or https://host:port for an agent serving TLS [SATELLITE_ADDR]", valueHint: "host:port" },
  "rpc-port": { type: "string", description: "Port of the agent's API on 127.0.0.1 (used when --addr is not given; default 7575)", valueHint: "port" },
  "api-token": { type: "string", description: "API token, needed when the agent has one for commands that change something (and keys list, generate --dry-run) [SATELLITE_API_TOKEN]; visible in the process list: prefer --api-token-file", valueHint: "token" },
  "api-token-file": { type: "string", description: "File whose first line is the API token; keeps it out of the process list [SATELLITE_API_TOKEN_FILE]", valueHint: "file" },
  "ca-file": { type: "string", description: "CA bundle (PEM) that signed the agent's certificate, with --addr https://...", valueHint: "file" },
  "client-cert-file": { type: "string", description: "Client certificate (PEM) to present when the agent asks for one, with --addr https://...", valueHint: "file" },
  "client-key-file": { type: "string", description: "Key of --client-cert-file (PEM)", valueHint: "file" },
} as const;

/** A CA bundle or a certificate with its key is a few KiB; this bounds what a wrong path costs. */
const PEM_FILE_BYTES_MAX = 1024 * 1024;

/**
 * The base URL of the agent, the same way for every client command (as serf and Consul read
 * theirs): --addr, then --rpc-port (on 127.0.0.1), then SATELLITE_ADDR, then 127.0.0.1:7575.
 * Returns an error message naming the flag or variable when its value is bad.
 */
export function agentBaseUrl(args: AgentConnectionArgs, env: Record<string, string | undefined> = {}): string | { error: string } {
  if (args.addr !== undefined) return addressUrl(args.addr, "--addr");
  const portText = args["rpc-port"];
  if (portText !== undefined) {
    const port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return { error: `--rpc-port "${portText}" must be a port number 1-65535` };
    return `http://127.0.0.1:${port}`;
  }
  const fromEnv = env.SATELLITE_ADDR;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return addressUrl(fromEnv.trim(), "SATELLITE_ADDR");
  return `http://${AGENT_ADDRESS_DEFAULT}`;
}

function addressUrl(text: string, named: string): string | { error: string } {
  const scheme = text.match(/^(https?):\/\//i)?.[1]?.toLowerCase() ?? "http";
  const addr = text.replace(/^https?:\/\//i, "");
  const port = Number(addr.match(/:(\d{1,5})$/)?.[1]);
  if (!/^(\[[^\]]+\]|[^:/\s[\]]+):\d{1,5}$/.test(addr) || port < 1 || port > 65535) {
    return { error: `${named} "${text}" must be host:port or https://host:port with a port 1-65535, e.g. 10.0.0.5:7575` };
  }
  return `${scheme}://${addr}`;
}

/** The API token from --api-token, --api-token-file or the environment (flags first); undefined when none is given. */
export function apiTokenOf(args: AgentConnectionArgs, env: CliDeps["env"], readFile: CliDeps["readFile"]): string | undefined {
  const fromFile = (path: string, named: string) => {
    try {
      return readApiTokenFile(path, readFile);
    } catch (error) {
      throw new CommandExit(EXIT_USAGE, `${named}: ${describeError(error)}`);
    }
  };
  const flagToken = args["api-token"];
  const flagFile = args["api-token-file"];
  if (flagToken !== undefined && flagFile !== undefined) throw new CommandExit(EXIT_USAGE, "give --api-token or --api-token-file, not both");
  if (flagToken !== undefined) return nonEmpty(flagToken, "--api-token");
  if (flagFile !== undefined) return fromFile(flagFile, "--api-token-file");
  const envToken = env.SATELLITE_API_TOKEN;
  const envFile = env.SATELLITE_API_TOKEN_FILE;
  if (envToken && envFile) throw new CommandExit(EXIT_USAGE, "SATELLITE_API_TOKEN and SATELLITE_API_TOKEN_FILE are both set; unset one");
  if (envToken) return envToken.trim();
  if (envFile) return fromFile(envFile, "SATELLITE_API_TOKEN_FILE");
  return undefined;
}

/** CA and client certificate for an https:// agent, read from the files the flags name. */
export function tlsOf(args: AgentConnectionArgs, baseUrl: string, readFile: CliDeps["readFile"]): TlsMaterial | undefined {
  const named = (["ca-file", "client-cert-file", "client-key-file"] as const).filter((flag) => args[flag] !== undefined);
  if (named.length === 0) return undefined;
  if (!baseUrl.startsWith("https:")) throw new CommandExit(EXIT_USAGE, `--${named[0]} applies to an agent serving TLS: give --addr https://HOST:PORT`);
  if ((args["client-cert-file"] === undefined) !== (args["client-key-file"] === undefined)) {
    throw new CommandExit(EXIT_USAGE, "--client-cert-file and --client-key-file go together: give both");
  }
  const read = (flag: "ca-file" | "client-cert-file" | "client-key-file"): string | undefined => {
    const path = args[flag];
    if (path === undefined) return undefined;
    let text: string;
    try {
      text = readFile(path, PEM_FILE_BYTES_MAX);
    } catch (error) {
      throw new CommandExit(EXIT_USAGE, `--${flag} ${path}: cannot read it: ${describeError(error)}`);
    }
    if (!text.includes("-----BEGIN ")) throw new CommandExit(EXIT_USAGE, `--${flag} ${path}: not a PEM file (no -----BEGIN line)`);
    return text;
  };
  const tls: TlsMaterial = {};
  const ca = read("ca-file");
  const cert = read("client-cert-file");
  const key = read("client-key-file");
  if (ca !== undefined) tls.ca = ca;
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  return tls;
}

/** The typed client for the agent the flags point at; flag problems exit 2 before anything is sent. */
export function connectAgent(deps: CliDeps, args: AgentConnectionArgs, timeoutMs = 10_000): AgentApi {
  const baseUrl = agentBaseUrl(args, deps.env);
  if (typeof baseUrl !== "string") throw new CommandExit(EXIT_USAGE, baseUrl.error);
  const apiToken = apiTokenOf(args, deps.env, deps.readFile);
  const tls = tlsOf(args, baseUrl, deps.readFile);
  const clock = deps.clock ?? systemClock;
  return createAgentApi(deps.fetch, baseUrl, { apiToken, tls, timeoutMs, sleep: (ms) => sleep(clock, ms) });
}

function nonEmpty(token: string, flag: string): string {
  const trimmed = token.trim();
  if (trimmed === "") throw new CommandExit(EXIT_USAGE, `${flag} is empty: give the agent's API token`);
  return trimmed;
}
