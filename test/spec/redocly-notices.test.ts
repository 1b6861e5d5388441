// scripts/redocly.mjs drops the two boxed notices Redocly prints on every run, and only them.
import { describe, expect, it } from "vitest";
import { withoutKnownNotices } from "../../scripts/redocly.mjs";

const box = (...lines: string[]) => `\n    ╔══╗\n${lines.map((line) => `    ║  ${line}  ║\n`).join("")}    ╚══╝\n\n`;

describe("scripts/redocly.mjs", () => {
  it("drops the Node.js 20 and the Redoc 3 notices", () => {
    const text = `${box("Deprecation warning: Node.js 20 support is ending", "", "Update Node.js")}Found redocly.yaml\n${box("build-docs now renders docs with Redoc 3.")}done\n`;
    expect(withoutKnownNotices(text)).toBe("Found redocly.yaml\ndone\n");
  });

  it("keeps any other box, and every other line", () => {
    const other = box("A new version of Redocly CLI is available");
    expect(withoutKnownNotices(`a\n${other}b\n`)).toBe(`a\n${other}b\n`);
  });
});
