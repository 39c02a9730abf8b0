/**
 * Upper bounds on every string and list of the agent's configuration (docs/configuration.md
 * lists them). Each is far above any real setting and low enough that a mistaken or hostile
 * value (a 50 MB name) is refused at start instead of being gossiped, stored and logged.
 */
export const CONFIG_BOUNDS = {
  /** A DNS name is at most 253 characters; node names usually are host names. */
  nameLengthMax: 253,
  /** host:port with a DNS name or a bracketed IPv6 literal and zone. */
  addressLengthMax: 300,
  /** Browsers and most servers stop near 8 KiB; a config URL is far shorter. */
  urlLengthMax: 2048,
  /** Linux PATH_MAX. */
  pathLengthMax: 4096,
  /** Tokens, passwords, database and user names. */
  secretLengthMax: 1024,
  /** Durations such as "36h"; nothing longer parses. */
  durationLengthMax: 32,
  /** API listen addresses (one per interface is the most anyone needs). */
  rpcAddrsMax: 16,
  /** Peers to join at start; a few reachable ones are enough, the rest are learnt by gossip. */
  initialClusterMax: 256,
  etcdServersMax: 32,
  /** Configured checks; the scheduler runs at most 32 at once. */
  checksMax: 1024,
  /** Checker kind names are short identifiers. */
  kindLengthMax: 64,
  /** Tags, keys and values; all of them together must also fit serf's node meta (tag-limits.ts). */
  tagsMax: 64,
  tagKeyLengthMax: 128,
} as const;
