/**
 * Credentials inside URLs (`http://user:pass@host`, `?p=secret`) must not reach logs, `/readyz`
 * or `/status`. Operators put them there because InfluxDB, registries and proxies accept them;
 * Satellite still uses the URL as given, it only never shows the secret part.
 */

const REDACTED = "***";

/** Query parameters that carry a secret in the services Satellite talks to (InfluxDB 1.x takes `u` and `p`). */
const SECRET_PARAM = /^(p|pass|passwd|password|token|access_token|auth|api[-_]?key|secret|sig|signature|key)$/i;

/**
 * `scheme://user:password@` or `scheme://token@` in any text (JSON included): neither part
 * may hold whitespace, '/', '@', '?', '#' or quotes, which no URL has raw.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:?#"'<>\\]*)(:[^\s/@?#"'<>\\]*)?@/gi;

/** `?p=...` / `&token=...` in any text. */
const SECRET_QUERY = /([?&])([a-z_-]+)=([^\s&#"']*)/gi;

/**
 * `text` with every URL credential replaced: `user:pass@` -> `user:***@`, a lone `token@` ->
 * `***@` (a user name alone is often a token), and secret query values -> `***`.
 */
export function redactCredentials(text: string): string {
  if (!text.includes("://") && !text.includes("=")) return text;
  return text
    .replace(USERINFO, (_all, scheme: string, user: string, password: string | undefined) =>
      password === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
    )
    .replace(SECRET_QUERY, (all, sep: string, name: string) => (SECRET_PARAM.test(name) ? `${sep}${name}=${REDACTED}` : all));
}
