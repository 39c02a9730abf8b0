import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/**
 * Checker kinds build their zod option schemas on demand (`CheckerKind.options()`), never at
 * import: a schema is about 8 KiB of heap, and an agent that runs none of a kind's checks must
 * not hold its schema (docs/performance.md). A module-level `z.` call in src/checkers/, or a
 * module-level call of a schema builder (`tcpAddress().optional()`), undoes that silently.
 */
const checkersDir = join(import.meta.dir, "../../src/checkers");

interface ImportTimeSchema {
  file: string;
  line: number;
  text: string;
}

interface ParsedModule {
  file: string;
  source: ts.SourceFile;
  /** Local names bound to zod's exports (`z`), type-only imports left out. */
  zodNames: Set<string>;
  /** Local name -> [module specifier, exported name], for relative imports. */
  imports: Map<string, [string, string]>;
}

function parseModule(file: string, text: string): ParsedModule {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const zodNames = new Set<string>();
  const imports = new Map<string, [string, string]>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly) continue;
    const from = statement.moduleSpecifier.text;
    const bind = (local: string, imported: string): void => {
      if (from === "zod" || from.startsWith("zod/")) zodNames.add(local);
      else if (from.startsWith(".")) imports.set(local, [from.replace(/^\.\//, ""), imported]);
    };
    if (clause.name) bind(clause.name.text, "default");
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) bind(bindings.name.text, "*");
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) if (!element.isTypeOnly) bind(element.name.text, (element.propertyName ?? element.name).text);
    }
  }
  return { file, source, zodNames, imports };
}

/** The leftmost identifier of a call chain: `z` of `z.string().min(1)`. */
function rootName(expression: ts.Expression): string | undefined {
  let node: ts.Expression = expression;
  while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node) || ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) {
    node = node.expression;
  }
  return ts.isIdentifier(node) ? node.text : undefined;
}

/** Code that runs later than import: function bodies and instance field initializers. */
function isDeferred(node: ts.Node): boolean {
  if (ts.isFunctionLike(node)) return true;
  return ts.isPropertyDeclaration(node) && !(ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Static);
}

/** Calls evaluated at import whose callee chain starts at one of `names`. */
function importTimeCalls(module: ParsedModule, names: ReadonlySet<string>): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (isDeferred(node) || ts.isImportDeclaration(node)) return;
    if (ts.isCallExpression(node)) {
      const name = rootName(node.expression);
      if (name !== undefined && names.has(name)) {
        found.push(node);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(module.source);
  return found;
}

/** Top-level functions (declarations or `const f = () => ...`) whose bodies call zod: schema builders. */
function schemaBuilders(module: ParsedModule): Set<string> {
  const builders = new Set<string>();
  const callsZod = (body: ts.Node): boolean => {
    let hit = false;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && module.zodNames.has(rootName(node.expression) ?? "")) hit = true;
      if (!hit) ts.forEachChild(node, visit);
    };
    visit(body);
    return hit;
  };
  for (const statement of module.source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body && callsZod(statement.body)) builders.add(statement.name.text);
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (ts.isIdentifier(declaration.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && callsZod(init.body)) builders.add(declaration.name.text);
    }
  }
  return builders;
}

/** Every zod schema built at import in `files` (name -> source text). */
function findImportTimeSchemas(files: ReadonlyMap<string, string>): ImportTimeSchema[] {
  const modules = [...files].map(([file, text]) => parseModule(file, text));
  const buildersByFile = new Map(modules.map((m) => [m.file, schemaBuilders(m)]));
  const problems: ImportTimeSchema[] = [];
  for (const module of modules) {
    const names = new Set([...module.zodNames, ...(buildersByFile.get(module.file) ?? [])]);
    for (const [local, [from, imported]] of module.imports) if (buildersByFile.get(from)?.has(imported)) names.add(local);
    for (const call of importTimeCalls(module, names)) {
      const { line } = module.source.getLineAndCharacterOfPosition(call.getStart());
      problems.push({ file: module.file, line: line + 1, text: call.getText().split("\n")[0]?.slice(0, 100) ?? "" });
    }
  }
  return problems;
}

function checkerSources(): Map<string, string> {
  const names = readdirSync(checkersDir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));
  return new Map(names.sort().map((name) => [name.split("\\").join("/"), readFileSync(join(checkersDir, name), "utf8")]));
}

describe("checker option schemas are built on demand", () => {
  test("no module of src/checkers/ builds a zod schema at import", () => {
    const sources = checkerSources();
    expect(sources.size).toBeGreaterThan(30);
    const messages = findImportTimeSchemas(sources).map((p) => `src/checkers/${p.file}:${p.line}: ${p.text} runs at import; build it inside a function (CheckerKind.options())`);
    expect(messages).toEqual([]);
  });

  test("the scan finds module-level schemas, directly or through a builder, and passes deferred ones", () => {
    const files = new Map([
      ["a.ts", 'import { z } from "zod";\nexport const port = () => z.number().int();\nexport const direct = z.string();\nconst viaBuilder = port().optional();\nexport function later() { return z.boolean(); }\nexport const kind = { options: () => z.strictObject({ p: port() }) };\nclass K { field = z.string(); static shared = z.number(); }'],
      ["b.ts", 'import { port as p } from "./a.ts";\nimport type { z } from "zod";\nexport const imported = p().min(1);\nexport type T = z.output<ReturnType<typeof p>>;'],
    ]);
    expect(findImportTimeSchemas(files).map((p) => `${p.file}:${p.line}: ${p.text}`)).toEqual([
      "a.ts:3: z.string()",
      "a.ts:4: port().optional()",
      "a.ts:7: z.number()",
      "b.ts:3: p().min(1)",
    ]);
  });
});
