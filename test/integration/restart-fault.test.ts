// The restart fault's effect on a real container: Docker restarts it (a new start time, a "restart"
// event, the service booting twice in its log) and the journal records the outage it caused and the
// recovery after it. No restart policy: only the fault can have started it again.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sleep } from "../../harness/contracts/time.ts";
import { containerEvents, docker, leftovers, readJournal, readRunId, ROOT, startCli, tempDir, writeScenario } from "./helpers.ts";

describe("the restart fault (real Docker)", () => {
  it("restarts the container once: a new start time, a restart event, an outage and a recovery in the journal", async () => {
    const dir = tempDir("restart");
    const file = writeScenario(dir, {
      version: 1,
      name: "restart",
      targets: { api: { build: join(ROOT, "fixtures", "api"), port: 8080, restart: "no", health: { path: "/healthz" } } },
      // Open model: arrivals every 10 ms, so some fall in the ~1 s the api is down. A capped closed model
      // sends each second's budget in a burst at its start, and the whole outage can fit between two.
      load: { target: "api", path: "/work", engine: "undici", model: "open", rate: 100, duration: "6s", timeout: "1s" },
      faults: [{ kind: "restart", target: "api", at: "2s", grace: "1s" }],
    });
    const out = join(dir, "run");
    const cli = startCli(["run", file, "--out", out, "--no-progress"]);
    const firstSeen = Date.now();

    // While the run goes on: the container's start times, as Docker reports them.
    let id: string | undefined;
    const startedAt = new Set<string>();
    while (cli.child.exitCode === null) {
      const runId = (() => {
        try {
          return readRunId(out);
        } catch {
          return undefined; // run.json not written yet
        }
      })();
      if (runId && !id) {
        const [c] = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`steadystate.run=${runId}`, "steadystate.target=api"] }) });
        id = c?.Id;
      }
      if (id) {
        const info = await docker.getContainer(id).inspect().catch(() => undefined); // removed at the end
        if (info?.State.Running) startedAt.add(info.State.StartedAt);
      }
      await sleep(100);
    }
    const r = await cli.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);

    const j = readJournal(out);
    const [fault] = j.faults;
    expect(fault).toMatchObject({ kind: "restart", target: "api", description: "restart api (grace 1000ms)", recovered: true });
    expect(fault!.error).toBeUndefined();
    // Requests fail from the restart (SIGTERM: the api drains, then stops) until the new process listens.
    expect(fault!.impactStartAt).toBeGreaterThanOrEqual(fault!.injectedAt!);
    expect(fault!.recoveredAt).toBeGreaterThan(fault!.impactStartAt!);
    expect(fault!.mttrMs).toBeGreaterThan(100);
    expect(fault!.mttrMs).toBeLessThan(3_000);
    expect(j.metrics.requests.failed).toBeGreaterThan(0);

    // Two start times, the second after the injection: the container was started again.
    expect(id).toBeDefined();
    const starts = [...startedAt].map((t) => Date.parse(t)).sort((a, b) => a - b);
    expect(starts).toHaveLength(2);
    expect(starts[1]).toBeGreaterThanOrEqual(fault!.injectedAt! - 1_000); // Docker's clock, to the second
    const events = (await containerEvents(id!, firstSeen)).map((e) => e.action);
    expect(events.filter((a) => a === "restart")).toHaveLength(1);
    expect(events.filter((a) => a === "start")).toHaveLength(2);
    expect(readFileSync(join(out, "logs", "api-0.log"), "utf8").match(/api listening on :8080/g)).toHaveLength(2);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });
});
