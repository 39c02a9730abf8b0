/** The PATH a handler gets: the standard system directories, never the agent's own. */
export const HANDLER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The whole environment of an event handler, in serf's manner (SERF_EVENT, SERF_SELF_NAME,
 * SERF_TAG_*): nothing is inherited from the agent, whose environment may hold the API token,
 * the gossip key or the InfluxDB password. Tag keys are upper-cased with every character
 * that is not a letter or digit turned into `_` (`zone-id` -> SATELLITE_TAG_ZONE_ID).
 */
export function handlerEnvironment(self: { name: string; tags: Readonly<Record<string, string>> }, eventType: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: HANDLER_PATH,
    SATELLITE_EVENT: eventType,
    SATELLITE_SELF_NAME: self.name,
    SATELLITE_SELF_ROLE: self.tags.role ?? "",
  };
  for (const [key, value] of Object.entries(self.tags)) env[`SATELLITE_TAG_${tagVariableSuffix(key)}`] = value;
  return env;
}

export function tagVariableSuffix(key: string): string {
  return key.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}
