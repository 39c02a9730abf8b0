import * as clientNode from "@kubernetes/client-node";

/**
 * Fields of a manifest that the Kubernetes API does not define, found through the generated
 * models of @kubernetes/client-node (each lists its fields and their types). The schema
 * validators of kubernetes-models accept unknown fields, as the API server does without strict
 * field validation; a misspelt key (`securityContxt`) is silently dropped there, so it is
 * caught here.
 */
export function unknownFields(object: unknown, apiVersion: string, kind: string): string[] {
  const version = apiVersion.split("/").at(-1) ?? "";
  const model = `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
  const found: string[] = [];
  walk(object, model, kind, found);
  return found;
}

type Attribute = { baseName: string; type: string };
type Model = { getAttributeTypeMap?: () => Attribute[] };

function walk(value: unknown, type: string, path: string, found: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, array[1] as string, `${path}[${i}]`, found));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === "object") for (const [key, item] of Object.entries(value as object)) walk(item, map[1] as string, `${path}.${key}`, found);
    return;
  }
  const model = (clientNode as unknown as Record<string, Model | undefined>)[type];
  const attributes = model?.getAttributeTypeMap?.();
  if (!attributes || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, item] of Object.entries(value as object)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) found.push(`${path}.${key}`);
    else walk(item, attribute.type, `${path}.${key}`, found);
  }
}
