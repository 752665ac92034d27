// YAML syntax errors: one line, at the mistake, in words a user knows.
import { describe, expect, it } from "vitest";
import { inline } from "./scenario-messages.ts";

const TARGETS = `version: 1
name: t
targets:
  api:
    build: ../fixtures/api
    replicas: 1
    port: 8080
`;

describe("YAML syntax errors", () => {
  it("points at a key indented deeper than its siblings, not at the line above", () => {
    expect(inline(TARGETS + "     restart: on-failure\nload: { target: api, duration: 20s }\n")).toEqual([
      "inline.yaml:8:6: `restart:` is indented deeper than the keys beside it: line it up with `port:` on line 7",
    ]);
  });

  it("reports an unquoted bracket in a flow mapping once, with the quotes it needs", () => {
    const faults = "faults:\n  - { kind: crash, target: api, at: 5s }\n  - { kind: pause, target: api, after: faults[0], duration: 3s }\n  - { kind: pause, target: api, at: 9s }\n";
    expect(inline(TARGETS + "load: { target: api, duration: 20s }\n" + faults + "slo:\n  - p99 < 800ms\n")).toEqual([
      'inline.yaml:11:46: `[` in `faults[0]` is read as YAML syntax inside { … }: quote it, "faults[0]"',
    ]);
  });

  it.each([
    ["a key not lined up", TARGETS + "   restart: no\n", "inline.yaml:8:4: `restart:` is not lined up with the keys above it"],
    ["an unclosed flow mapping", "version: 1\nname: t\nload: { target: api\nfaults: []\n", "inline.yaml:3:7: `{` is never closed: add the `}` that ends it"],
    ["an unclosed quote", 'version: 1\nname: "t\nload: {}\n', 'inline.yaml:2:7: the quoted value is never closed: add the closing "'],
    ["a tab", "version: 1\ntargets:\n\tapi: {}\n", "inline.yaml:3:1: a tab is used for indentation: YAML indents with spaces only"],
    ["a missing space after a colon", "version:1\nname: t\n", "inline.yaml:1:1: `version:1` is not `key: value`: a key is followed by a colon and a space"],
    ["a list item among keys", "version: 1\n- name: t\n", "inline.yaml:2:1: a list item `- name: t` among the keys of a mapping: put it under a key of its own"],
    ["an unquoted colon in a value", "version: 1\nname: a: b\n", 'inline.yaml:2:7: a value that contains ": " must be quoted'],
    ["a reserved first character", "version: 1\nname: @t\n", "inline.yaml:2:7: a value cannot start with `@`: quote it"],
    ["an alias without an anchor", "version: 1\nname: *t\n", "inline.yaml:2:7: `*t` names no anchor: set `&t` on a value above it"],
  ])("says what is wrong with %s", (_, text, line) => {
    expect(inline(text)).toEqual([line]);
  });
});
