/**
 * docs/cli.md's options and exit-code tables are generated from the CLI's
 * own tables (src/cli/docs.ts): this fails when the file is out of date.
 * Regenerate: UPDATE_DOCS=1 npx vitest run test/cli/docs-table.test.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands/index.js";
import { exitReference, optionsReference } from "../../src/cli/docs.js";
import { packageRoot } from "../../src/paths.js";

const DOC = join(packageRoot, "docs", "cli.md");

const regions: Record<string, string> = { options: optionsReference(Object.values(commands)), "exit-codes": exitReference() };

/** The document with each `<!-- generated:NAME ... -->` ... `<!-- /generated:NAME -->` region's body replaced. */
function regenerate(doc: string): string {
  return Object.entries(regions).reduce((text, [name, body]) => {
    const region = new RegExp(`(<!-- generated:${name}\\b[^\\n]*-->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!region.test(text)) throw new Error(`docs/cli.md has no generated:${name} region`);
    return text.replace(region, (_m, open: string, close: string) => `${open}${body}\n${close}`);
  }, doc);
}

describe("docs/cli.md", () => {
  it("its options and exit-code tables are the CLI's (UPDATE_DOCS=1 rewrites them)", () => {
    const doc = readFileSync(DOC, "utf8");
    const want = regenerate(doc);
    if (process.env["UPDATE_DOCS"] && want !== doc) writeFileSync(DOC, want);
    else expect(doc, "docs/cli.md is out of date: UPDATE_DOCS=1 npx vitest run test/cli/docs-table.test.ts").toBe(want);
  });

  it("documents every command's every option", () => {
    const doc = readFileSync(DOC, "utf8");
    for (const cmd of Object.values(commands)) {
      expect(doc, cmd.name).toContain(`### ${cmd.name}\n`);
      for (const name of Object.keys(cmd.options)) expect(doc, `${cmd.name} --${name}`).toContain(`\`--${name}`);
    }
  });
});
