/**
 * Files built into the executable with `bun build --compile --asset=DIR` (Bun.embeddedFiles),
 * read on demand. Outside a compiled executable there are none: callers must treat an empty
 * answer as "not built in", not as an error.
 */
export interface EmbeddedFile {
  /** The path inside the embedded directory tree, e.g. `ui/index.html`. */
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Every embedded file whose name starts with `prefix`, with the prefix removed from its name. */
export async function readEmbeddedFiles(prefix: string): Promise<EmbeddedFile[]> {
  const files: EmbeddedFile[] = [];
  for (const blob of Bun.embeddedFiles) {
    const name = (blob as Blob & { name?: string }).name;
    if (typeof name !== "string" || !name.startsWith(prefix)) continue;
    files.push({ name: name.slice(prefix.length), bytes: new Uint8Array(await blob.arrayBuffer()) });
  }
  return files;
}
