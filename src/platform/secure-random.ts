import { randomBytes } from "node:crypto";

/** Cryptographically secure random bytes (encryption nonces). Never seeded, never mocked for security. */
export type SecureRandomBytes = (size: number) => Uint8Array;

export const secureRandomBytes: SecureRandomBytes = (size) => new Uint8Array(randomBytes(size));
