import { defineCommand } from "citty";
import { secureRandomBytes, type SecureRandomBytes } from "../../platform/secure-random.ts";
import { depsOf } from "../command-context.ts";

/** AES-256, the size `serf keygen` makes; the agent also takes 16 and 24-byte keys. */
export const GOSSIP_KEY_BYTES = 32;

/** A new gossip key: standard base64 of 32 random bytes, exactly what `serf keygen` prints. */
export function generateGossipKey(randomBytes: SecureRandomBytes = secureRandomBytes): string {
  const key = randomBytes(GOSSIP_KEY_BYTES);
  if (key.length !== GOSSIP_KEY_BYTES) throw new Error(`expected ${GOSSIP_KEY_BYTES} random bytes, got ${key.length}`);
  return Buffer.from(key).toString("base64");
}

export const keygenCommand = defineCommand({
  meta: {
    name: "keygen",
    // Shown in the root command's table too, so one line: what it prints, and where it goes.
    description: "Print a new gossip key (base64 of 32 random bytes, like `serf keygen`): `umask 077; satellite keygen > FILE`, then `satellite agent --encrypt-file FILE` on every node",
  },
  run(context) {
    depsOf(context).out(generateGossipKey());
    return 0;
  },
});
