import { afterEach, expect, test } from "bun:test";
import { agentConfigSchema } from "../../src/config/schema.ts";

/**
 * The config's larger sections are built only when the input has them: every agent start builds
 * the schema, and a file-less start (or a file without notifiers) must not pay for the notifiers'
 * union, the generators', detectors' and checks' schemas. zod installs each schema object's
 * internals with Object.defineProperty(instance, "_zod", ...): counting those calls counts the
 * schema objects a parse built.
 */
const define = Object.defineProperty;
afterEach(() => {
  Object.defineProperty = define;
});

function zodObjectsBuiltParsing(input: Record<string, unknown>): { built: number; data: Record<string, unknown> } {
  let built = 0;
  Object.defineProperty = function <T>(target: T, key: PropertyKey, descriptor: PropertyDescriptor & ThisType<any>): T {
    if (key === "_zod") built++;
    return define(target, key, descriptor);
  };
  try {
    const parsed = agentConfigSchema().safeParse(input, { jitless: true });
    if (!parsed.success) throw new Error(`expected ${JSON.stringify(input)} to parse: ${parsed.error.message}`);
    return { built, data: parsed.data as Record<string, unknown> };
  } finally {
    Object.defineProperty = define;
  }
}

/** Each section built on demand, with a value that parses to what its absence gives. */
const SECTIONS: Record<string, unknown> = {
  tags: { role: "master" },
  eventHandlers: [],
  checks: [],
  detectors: [],
  thresholds: {},
  notifiers: [],
  generators: [],
  // Their defaults are written out (execDefaults, kvDefaults): parsing {} must give the same.
  exec: {},
  kv: {},
};

test("a section absent from the input builds none of its schema and takes its default", () => {
  const absent = zodObjectsBuiltParsing({});
  for (const [key, value] of Object.entries(SECTIONS)) {
    const present = zodObjectsBuiltParsing({ [key]: value });
    // Present, the section's schema is built for its parse: that many objects more.
    expect({ key, extra: present.built - absent.built > 0 }).toEqual({ key, extra: true });
    expect({ key, value: absent.data[key] }).toEqual({ key, value: present.data[key] });
  }
});

test("the notifiers' union is most of what a config without notifiers saves", () => {
  const absent = zodObjectsBuiltParsing({});
  const withNotifiers = zodObjectsBuiltParsing({ notifiers: [] });
  expect(withNotifiers.built - absent.built).toBeGreaterThan(100);
});
