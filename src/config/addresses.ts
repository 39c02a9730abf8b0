/** A host and port as given by an operator; host may be a name, IPv4 or IPv6 literal. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses "host:port", "[v6]:port", or a bare host (which gets `defaultPort`).
 * Returns an error string when it cannot.
 */
export function parseHostPort(text: string, defaultPort?: number): HostPort | string {
  const value = text.trim();
  const bracketed = value.match(/^\[([^\]]+)\](?::(\d+))?$/);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? "";
    portText = bracketed[2];
  } else if ((value.match(/:/g) ?? []).length === 1) {
    [host = "", portText] = value.split(":");
  } else {
    host = value;
  }
  if (host === "") return `"${text}" has no host; expected host:port`;
  if (portText === undefined) {
    if (defaultPort === undefined) return `"${text}" has no port; expected host:port`;
    return { host, port: defaultPort };
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `"${text}" has a bad port; expected 0-65535`;
  return { host, port };
}

export function formatHostPort(hp: HostPort): string {
  return hp.host.includes(":") ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}
