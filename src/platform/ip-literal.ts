import { isIP, isIPv4 } from "node:net";

/**
 * The IP version of `text` as node:net's isIP gives it (4, 6, or 0 for anything else), without
 * asking isIPv6 about text that cannot be an IPv6 literal. Bun's isIPv6 compiles one regular
 * expression of about 2,000 characters on its first call: a few milliseconds of CPU that every
 * agent start paid to learn that `127.0.0.1:7946` or a host name is no IPv6 address.
 */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (couldBeIPv6Literal(text)) return isIP(text) as 0 | 4 | 6;
  return isIPv4(text) ? 4 : 0;
}

/**
 * False only for text isIPv6 rejects: an IPv6 literal is hex digits, colons (at least two: `::`)
 * and dots (an embedded IPv4 address), then optionally `%` and a zone.
 */
export function couldBeIPv6Literal(text: string): boolean {
  const zone = text.indexOf("%");
  const address = zone < 0 ? text : text.slice(0, zone);
  let colons = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c === 58) colons++;
    else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46)) return false;
  }
  return colons >= 2;
}
