#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so a fresh clone works right after `npm ci`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../harness/cli/main.ts");
const code = await main(process.argv);
// Exit explicitly (open keep-alive sockets must not hold the process), once stdout and stderr are flushed.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
