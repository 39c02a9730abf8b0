import { readEmbeddedFiles } from "../platform/embedded-files.ts";
import { UI_INDEX, prepareUiAssets, type UiAssetSet } from "./ui-assets.ts";

/** Where scripts/build.ts puts the bundled dashboard inside the executable (`--asset=dist/ui`). */
export const EMBEDDED_UI_PREFIX = "ui/";

/** The dashboard built into this executable; undefined when it has none (tests, `bun src/main.ts`). */
export async function loadEmbeddedUi(): Promise<UiAssetSet | undefined> {
  const files = await readEmbeddedFiles(EMBEDDED_UI_PREFIX);
  if (!files.some((f) => f.name === UI_INDEX)) return undefined;
  return prepareUiAssets(files);
}
