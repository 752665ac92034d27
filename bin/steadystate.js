#!/usr/bin/env node
// The published package runs the bundle built at `npm pack` (dist/steadystate.js, see scripts/bundle.mjs);
// a checkout, which has none, runs the TypeScript sources through tsx, right after `npm ci`.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/steadystate.js", import.meta.url);
let main;
if (existsSync(bundle)) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../harness/cli/main.ts"));
}
const code = await main(process.argv);
// Exit explicitly (open keep-alive sockets must not hold the process), once stdout and stderr are flushed.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
