/**
 * Errors of the runtime's network calls (fetch, sockets, name resolution, TLS) in our own
 * words: "connection refused by 10.0.0.5:2379" instead of "ECONNREFUSED: Unable to connect. Is
 * the computer able to access the url?". What reaches a probe's `error`, the CLI and the log
 * then reads the same whatever the runtime, and says where. Recognised by the error's `code`
 * (Node's and Bun's names); anything else is left to the caller.
 */

interface RuntimeErrorFields {
  code?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  path?: unknown;
  hostname?: unknown;
  host?: unknown;
}

/**
 * Our sentence for a runtime network error (or one wrapped as its `cause`, as Node's fetch
 * does), or undefined when `error` is not one we know.
 */
export function describeRuntimeError(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const ours = describeOwnCode(error);
  if (ours !== undefined) return ours;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error ? describeOwnCode(cause) : undefined;
}

function describeOwnCode(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const fields = error as RuntimeErrorFields;
  const code = typeof fields.code === "string" ? fields.code : undefined;
  if (code === undefined) return undefined;
  const where = whereOf(fields);
  const at = (preposition: string) => (where ? ` ${preposition} ${where}` : "");
  switch (code) {
    case "ECONNREFUSED":
    case "ConnectionRefused":
      return `connection refused${at("by")}`;
    case "ECONNRESET":
    case "ConnectionClosed":
      return `connection closed unexpectedly${at("by")}`;
    case "ETIMEDOUT":
    case "ConnectionTimedOut":
      return `connection timed out${at("to")}`;
    case "EHOSTUNREACH":
      return where ? `host ${where} unreachable` : "host unreachable";
    case "ENETUNREACH":
      return `network unreachable${at("for")}`;
    case "EPIPE":
      return `connection broken while sending${at("to")}`;
    case "ENOTFOUND":
      return `cannot resolve host name ${hostNameOf(fields) ?? where ?? "(unknown)"}: no such name`;
    case "EAI_AGAIN":
      return `cannot resolve host name ${hostNameOf(fields) ?? where ?? "(unknown)"}: the resolver did not answer (try again later)`;
    case "ENOENT":
    case "FailedToOpenSocket":
      // A missing file is the caller's business (its message names the file); only a socket's is ours.
      return fields.syscall === "connect" || isUrl(fields.path) || code === "FailedToOpenSocket" ? `nothing listens${at("at")} (no such socket)` : undefined;
    case "EACCES":
      return fields.syscall === "connect" ? `permission denied connecting${at("to")}` : undefined;
    case "CERT_HAS_EXPIRED":
      return `the TLS certificate${at("of")} has expired`;
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return `the TLS certificate${at("of")} is self-signed and not trusted: give its CA`;
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return `the TLS certificate${at("of")} is signed by a CA that is not trusted: give that CA`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `the TLS certificate${at("of")} does not name that host`;
    default:
      return undefined;
  }
}

/** `10.0.0.5:2379`, `[fd00::1]:2379`, `/var/run/docker.sock` or `db.example`: where the call went. */
function whereOf(fields: RuntimeErrorFields): string | undefined {
  const address = typeof fields.address === "string" && fields.address !== "" ? fields.address : undefined;
  const port = typeof fields.port === "number" || (typeof fields.port === "string" && fields.port !== "") ? String(fields.port) : undefined;
  if (address) {
    if (address.startsWith("/")) return address;
    const host = address.includes(":") ? `[${address}]` : address;
    return port ? `${host}:${port}` : host;
  }
  if (isUrl(fields.path)) {
    const url = new URL(fields.path);
    const defaultPort = url.protocol === "https:" ? "443" : url.protocol === "http:" ? "80" : "";
    const shownPort = url.port || defaultPort;
    return shownPort ? `${url.hostname}:${shownPort}` : url.hostname;
  }
  if (typeof fields.path === "string" && fields.path.startsWith("/")) return fields.path;
  return hostNameOf(fields);
}

function hostNameOf(fields: RuntimeErrorFields): string | undefined {
  for (const value of [fields.hostname, fields.host]) if (typeof value === "string" && value !== "") return value;
  return undefined;
}

function isUrl(value: unknown): value is string {
  if (typeof value !== "string" || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
