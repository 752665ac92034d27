// k6 as a load engine: the scenario's `script` runs in the k6 binary found on PATH; its JSON output is read
// into the recorder while k6 runs (so abortWhen, live detectors and progress see the load near-live), and
// SLOs, recovery and reports work as with the other engines. The script sets its own executors (model,
// rate, VUs); it gets the targets' loopback URLs as __ENV values.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { sleep } from "../contracts/time.ts";
import { InfraError } from "../contracts/errors.ts";
import type { LoadContext, LoadEngine } from "./engine.ts";
import { k6Outcomes } from "./k6-output.ts";
import { LineTail } from "./line-tail.ts";
import { K6_INSTALL } from "../specs/load/k6.ts";

/** After the planned length, k6 gets this long (its own gracefulStop is 30 s) before it is interrupted. */
const OVERRUN_MS = 45_000;
/** After an interrupt (SIGINT: k6 ends its iterations and writes its output), this long before SIGKILL. */
const KILL_AFTER_MS = 5_000;
/** How often k6's output is read while it runs (k6 itself flushes it every 200 ms). */
const K6_POLL_MS = 250;

export const k6Engine: LoadEngine = { run: runK6 };

/** `TARGET_API=http://127.0.0.1:PORT` for each target (first replica), `BASE_URL` for `load.target`, `DURATION`. */
export function k6Args(ctx: Pick<LoadContext, "urls" | "spec">, outFile: string): string[] {
  const env = Object.entries(ctx.urls).map(([name, urls]) => `TARGET_${name.toUpperCase().replace(/-/g, "_")}=${urls[0]}`);
  if (ctx.spec.target !== undefined) env.push(`BASE_URL=${ctx.urls[ctx.spec.target]![0]}`);
  env.push(`DURATION=${(ctx.spec.warmupMs + ctx.spec.durationMs) / 1_000}s`);
  return ["run", "--quiet", "--no-color", "--out", `json=${outFile}`, ...env.flatMap((e) => ["--env", e]), ctx.spec.script!];
}

async function runK6(ctx: LoadContext): Promise<void> {
  const outFile = join(ctx.runDir, "k6-output.json");
  const child = spawn("k6", k6Args(ctx, outFile), { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, K6_NO_USAGE_REPORT: "true" } });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS).unref();
  };
  const overrun = setTimeout(interrupt, ctx.spec.warmupMs + ctx.spec.durationMs + OVERRUN_MS);
  ctx.signal.addEventListener("abort", interrupt, { once: true });
  let running = true;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", (e) => reject(new InfraError(`could not start k6: ${e.message}`, `install k6 (${K6_INSTALL}) or use engine: autocannon`)));
    child.once("close", (c) => resolve(c));
  }).finally(() => {
    running = false;
    clearTimeout(overrun);
    ctx.signal.removeEventListener("abort", interrupt);
  });
  const settled = exited.then(
    () => undefined,
    () => undefined,
  );
  const tail = new LineTail(outFile);
  const feed = async () => {
    for (const o of k6Outcomes(await tail.read())) ctx.record(o.at, o.ok, o.latencyMs, o.reason);
  };
  try {
    // Bounded: k6 ends by itself, or at the overrun (SIGINT, then SIGKILL).
    while (running) {
      await Promise.race([sleep(K6_POLL_MS), settled]);
      await feed();
    }
    const code = await exited;
    // 99: the script's own thresholds failed; the harness judges its SLOs itself.
    if (!interrupted && code !== 0 && code !== 99) {
      throw new InfraError(`k6 exited with code ${code}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`, `check the script with \`k6 run ${ctx.spec.script}\``);
    }
    // What k6 wrote last (its file no longer grows: bounded by its size).
    do await feed();
    while (!tail.atEnd);
  } finally {
    if (running) interrupt(); // reading its output failed: k6 must not outlive the load
    await tail.close();
  }
}
