import type { ValueTree } from "./collected-values.ts";
import type { CollectorKind } from "./collector.ts";

const ZONEINFO = /\/zoneinfo\/(?:posix\/|right\/)?(.+)$/;
const ZONE_NAME_MAX = 64;

/** The zone's offset from UTC at `wallMs`, in minutes (east positive), or undefined for a name the runtime does not know. */
export function zoneOffsetMinutes(zone: string, wallMs: number): number | undefined {
  try {
    const text = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).formatToParts(new Date(wallMs)).find((p) => p.type === "timeZoneName")?.value;
    if (text === undefined) return undefined;
    if (text === "GMT") return 0;
    const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(text);
    return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The host's time zone (kunai's timezone): TZ when the agent has it, else the zone /etc/localtime
 * links to, else /etc/timezone, else UTC; and its offset now.
 */
export const timezoneCollectorKind: CollectorKind = {
  name: "timezone",
  description: "the host's time zone: name, offsetMinutes (east of UTC, now), source (TZ, /etc/localtime, /etc/timezone or default)",
  intervalMs: 300_000,
  shape: { name: "string", offsetMinutes: "number", source: "string" },
  create: () => ({
    async collect(host, at) {
      let name: string | undefined;
      let source = "default";
      const tz = host.facts.env("TZ")?.replace(/^:/, "");
      if (tz) {
        name = tz;
        source = "TZ";
      } else {
        const link = await host.facts.files.readLink("/etc/localtime");
        const zone = link === undefined ? undefined : ZONEINFO.exec(link)?.[1];
        if (zone) {
          name = zone;
          source = "/etc/localtime";
        } else {
          const file = (await host.facts.readHead("/etc/timezone", 256))?.trim();
          if (file) {
            name = file;
            source = "/etc/timezone";
          }
        }
      }
      const zone = (name ?? "UTC").slice(0, ZONE_NAME_MAX);
      const offset = zoneOffsetMinutes(zone, at.wallMs);
      const values: ValueTree = { name: zone, source };
      if (offset !== undefined) values.offsetMinutes = offset;
      return values;
    },
  }),
};
