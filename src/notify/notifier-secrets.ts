import type { NotifierConfig } from "../config/notifiers-schema.ts";
import { SatelliteError, describeError } from "../platform/errors.ts";
import type { NotifyPlatform } from "./notify-platform.ts";

/** A secret file is one line; anything longer is a wrong file. */
const SECRET_FILE_BYTES_MAX = 64 * 1024;

/**
 * A notifier's secret (the webhook's HMAC key, the SMTP password): given in the config, read
 * from a file (its first line), or from an environment variable. Read once at start; errors name the notifier
 * and the source, never the value.
 */
export function resolveSecret(
  notifier: Pick<NotifierConfig, "name">,
  what: "secret" | "password",
  source: { value?: string; file?: string; env?: string },
  platform: Pick<NotifyPlatform, "readFile" | "env">,
): string | undefined {
  if (source.value !== undefined) return source.value;
  if (source.file !== undefined) {
    let text: string;
    try {
      text = (platform.readFile(source.file, SECRET_FILE_BYTES_MAX).split("\n")[0] ?? "").trim();
    } catch (error) {
      throw new SatelliteError("NOTIFIER_SECRET_UNREADABLE", `notifier ${notifier.name}: cannot read its ${what} file ${source.file}: ${describeError(error)}`, {
        hint: `make ${source.file} a regular file readable by the agent, holding the ${what} on its first line`,
        cause: error,
      });
    }
    if (text === "") throw new SatelliteError("NOTIFIER_SECRET_EMPTY", `notifier ${notifier.name}: its ${what} file ${source.file} is empty`, { hint: `put the ${what} on the first line of ${source.file}` });
    return text;
  }
  if (source.env !== undefined) {
    const value = platform.env[source.env];
    if (value === undefined || value === "") {
      throw new SatelliteError("NOTIFIER_SECRET_MISSING", `notifier ${notifier.name}: the environment variable ${source.env} with its ${what} is not set`, {
        hint: `set ${source.env} in the agent's environment (e.g. the systemd unit's EnvironmentFile), or use ${what}File`,
      });
    }
    return value;
  }
  return undefined;
}
