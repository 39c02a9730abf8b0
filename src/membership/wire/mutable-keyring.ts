import { bytesEqual } from "../../platform/bytes.ts";
import type { Keyring } from "./keyring.ts";

const KEY_SIZES = [16, 24, 32];
/** Keys one keyring holds; serf's list answer carries at most 40 of them. */
export const KEYRING_KEYS_MAX = 32;

/**
 * A keyring that key rotation changes while gossip runs (memberlist's Keyring: AddKey, UseKey,
 * RemoveKey). Packets read `keys` on every encrypt and decrypt, so a change applies to the
 * next packet. Errors are memberlist's words, which serf sends back to `serf keys`.
 */
export class MutableKeyring implements Keyring {
  private current: Uint8Array[];

  constructor(keys: readonly Uint8Array[]) {
    if (keys.length === 0) throw new RangeError("a keyring needs a key");
    this.current = keys.map((k) => k.slice());
  }

  /** Primary first. */
  get keys(): readonly Uint8Array[] {
    return this.current;
  }

  /** Adds a secondary key (no-op when installed); returns an error message or undefined. */
  install(key: Uint8Array): string | undefined {
    if (!KEY_SIZES.includes(key.length)) return "key size must be 16, 24 or 32 bytes";
    if (this.indexOf(key) >= 0) return undefined;
    if (this.current.length >= KEYRING_KEYS_MAX) return `the keyring holds ${KEYRING_KEYS_MAX} keys, the most it may; remove one first`;
    this.current = [...this.current, key.slice()];
    return undefined;
  }

  /** Makes an installed key primary. */
  use(key: Uint8Array): string | undefined {
    const i = this.indexOf(key);
    if (i < 0) return "Requested key is not in the keyring";
    const chosen = this.current[i] as Uint8Array;
    this.current = [chosen, ...this.current.filter((_, j) => j !== i)];
    return undefined;
  }

  /** Removes a secondary key (no-op when absent); the primary cannot be removed. */
  remove(key: Uint8Array): string | undefined {
    if (bytesEqual(this.current[0] as Uint8Array, key)) return "Removing the primary key is not allowed";
    this.current = this.current.filter((k) => !bytesEqual(k, key));
    return undefined;
  }

  private indexOf(key: Uint8Array): number {
    return this.current.findIndex((k) => bytesEqual(k, key));
  }
}
