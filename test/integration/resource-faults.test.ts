// Each resource and disk fault injected into a real container, its effect observed from outside (HTTP,
// the cgroup files Docker's own stats read, Docker events), then its undo: every value back as it was.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { faultKind } from "../../harness/faults/registry.ts";
import type { FaultKindName } from "../../harness/specs/faults/registry.ts";
import type { RestoreStep } from "../../harness/contracts/restore-steps.ts";
import { httpGet } from "../../harness/probes/http.ts";
import { sleep } from "../../harness/contracts/time.ts";
import { overlayUpperDir } from "../../harness/docker/docker-api.ts";
import { faultContext, startApi, type ApiContainer } from "./fault-target.ts";
import { containerEvents, docker, httpPost, until } from "./helpers.ts";
import type { FaultBase } from "../../harness/specs/faults/fault.ts";
const MiB = 1024 * 1024;

function spec(kind: FaultKindName, params: Record<string, unknown>, durationMs?: number) {
  const k = faultKind(kind);
  return { k, p: { ...k.params.parse(params), kind, target: "api", atMs: 0, ...(durationMs ? { durationMs } : {}) } as FaultBase };
}

async function latencies(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await httpGet(url, 10_000);
    expect(r.ok, r.reason).toBe(true);
    out.push(r.latencyMs);
  }
  return out;
}

/** CPU time (cores) the container's cgroup used over `ms`, read from cpuacct.usage as `docker stats` does. */
async function coresUsed(api: ApiContainer, ms: number): Promise<number> {
  const before = Number(api.cgroup("cpuacct", "cpuacct.usage"));
  const t0 = performance.now();
  await sleep(ms);
  return (Number(api.cgroup("cpuacct", "cpuacct.usage")) - before) / 1e6 / (performance.now() - t0);
}

let started: ApiContainer[] = [];
const api = async (opts: Parameters<typeof startApi>[0] = {}) => {
  const a = await startApi(opts);
  started.push(a);
  return a;
};
afterEach(async () => {
  await Promise.all(started.map((a) => a.container.stop({ timeout: 1 })));
  started = [];
});

describe("resource and disk faults (real Docker)", () => {
  it("cpu-throttle: a 50 ms CPU burn under a 0.1 CPU quota takes ≥ 3 periods; undo writes back -1", async () => {
    const a = await api({ env: { CPU_MS: "50" } });
    expect(a.cgroup("cpu", "cpu.cfs_quota_us")).toBe("-1");
    const { k, p } = spec("cpu-throttle", { cpus: 0.1 }, 10_000);
    const steps: RestoreStep[] = [];
    const undo = (await k.inject(faultContext(a.victim, steps), p))!;
    expect(a.cgroup("cpu", "cpu.cfs_quota_us")).toBe("10000");
    expect(steps).toEqual([{ op: "write", container: a.victim.containerId, path: `/sys/fs/cgroup/cpu/docker/${a.victim.containerId}/cpu.cfs_quota_us`, value: "-1" }]);
    const throttled = () => Number(/nr_throttled (\d+)/.exec(a.cgroup("cpu", "cpu.stat"))![1]);
    // 50 ms of CPU at 10 ms per 100 ms period spans 5 slices: at best (5 − 2) × 100 + 2 × 10 = 320 ms
    // (other load on the machine only adds to it).
    const t0 = throttled();
    const during = await latencies(`${a.victim.url}/work`, 5);
    expect(Math.min(...during)).toBeGreaterThanOrEqual(300);
    expect(throttled() - t0).toBeGreaterThanOrEqual(5 * 4);
    await undo();
    expect(a.cgroup("cpu", "cpu.cfs_quota_us")).toBe("-1");
    // Latency after undo depends on the machine's other load; the kernel's own count says the quota is gone.
    const t1 = throttled();
    await latencies(`${a.victim.url}/work`, 5);
    expect(throttled()).toBe(t1);
  });

  it("memory-limit: lowers memory.limit_in_bytes and writes back the exact prior value; refuses a limit below usage", async () => {
    const a = await api();
    const prior = a.cgroup("memory", "memory.limit_in_bytes");
    const { k, p } = spec("memory-limit", { limit: "256m" }, 10_000);
    const logs: string[] = [];
    const undo = (await k.inject(faultContext(a.victim, [], logs), p))!;
    expect(a.cgroup("memory", "memory.limit_in_bytes")).toBe(String(256 * MiB));
    expect(logs).toEqual([`set the memory limit of ${a.victim.containerName} to ${256 * MiB} (was ${prior})`]);
    await undo();
    expect(a.cgroup("memory", "memory.limit_in_bytes")).toBe(prior);

    const low = spec("memory-limit", { limit: "6m" }, 10_000);
    await expect(low.k.inject(faultContext(a.victim), low.p)).rejects.toThrow(
      new RegExp(`^${a.victim.containerName} already uses [\\d.]+MiB, more than the limit 6MiB: choose a limit above its usage$`),
    );
    expect(a.cgroup("memory", "memory.limit_in_bytes")).toBe(prior);
  });

  it("memory-limit with oom: the main process is OOM killed and the restart policy brings it back", async () => {
    const a = await api({ restart: "on-failure" });
    const prior = a.cgroup("memory", "memory.limit_in_bytes");
    const t0 = Date.now();
    const { k, p } = spec("memory-limit", { limit: "96m", oom: true }, 10_000);
    const ctx = faultContext(a.victim);
    const undo = (await k.inject(ctx, p))!;
    // Back within the restart back-off (100 ms) plus node's boot; a generous bound for a loaded machine.
    let back = false;
    for (let i = 0; i < 100 && !back; i++) back = (await httpGet(`${a.victim.url}/healthz`, 500)).ok || (await sleep(100), false);
    expect(back).toBe(true);
    const events = await containerEvents(a.victim.containerId, t0 - 1_000);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["oom", "die", "start"]));
    expect(events.find((e) => e.action === "die")?.exitCode).toBe("137");
    expect((await docker.getContainer(a.victim.containerId).inspect()).RestartCount).toBe(1);
    expect(readdirSync("/dev/shm").filter((f) => f.includes(ctx.tag))).toEqual([]);
    await undo();
    expect(a.cgroup("memory", "memory.limit_in_bytes")).toBe(prior);
  });

  it("cpu-burn: the container is charged for the burner's CPU (cpuacct, which docker stats reads), and nothing after undo", async () => {
    const a = await api();
    const procs = a.cgroup("cpu", "cgroup.procs");
    expect(await coresUsed(a, 1_000)).toBeLessThan(0.1);
    const { k, p } = spec("cpu-burn", { cpus: 1 }, 10_000);
    const undo = (await k.inject(faultContext(a.victim), p))!;
    const burner = a.cgroup("cpu", "cgroup.procs").split("\n").filter((pid) => !procs.split("\n").includes(pid));
    expect(burner).toHaveLength(1);
    // Other work on these 2 cores decides how much CPU the burner gets; what it gets, the container is charged.
    const burnerMs = () => {
      const f = readFileSync(`/proc/${burner[0]}/stat`, "utf8").split(") ")[1]!.split(" ");
      return ((Number(f[11]) + Number(f[12])) * 1_000) / 100; // utime + stime, in USER_HZ (100) ticks
    };
    const b0 = burnerMs();
    const cores = await coresUsed(a, 1_000);
    const burnerCores = (burnerMs() - b0) / 1_000;
    expect(burnerCores).toBeGreaterThan(0.2);
    // Tick granularity (10 ms) over a 1 s sample, plus the api's own idle CPU.
    expect(Math.abs(cores - burnerCores)).toBeLessThan(0.05);
    await undo();
    expect(a.cgroup("cpu", "cgroup.procs")).toBe(procs);
    expect(await coresUsed(a, 1_000)).toBeLessThan(0.1);
  });

  it("memory-hog: 128 MiB more are charged to the container, and freed on undo", async () => {
    const a = await api();
    const usage = () => Number(a.cgroup("memory", "memory.usage_in_bytes"));
    const before = usage();
    const { k, p } = spec("memory-hog", { size: "128m" }, 10_000);
    const ctx = faultContext(a.victim);
    const undo = (await k.inject(ctx, p))!;
    expect(usage() - before).toBeGreaterThanOrEqual(128 * MiB);
    expect(a.cgroup("cpu", "cgroup.procs").split("\n")).toHaveLength(1); // no process holds it
    await undo();
    // The container's own usage moves a little meanwhile (its heap, page cache): within 16 MiB.
    expect(Math.abs(usage() - before)).toBeLessThan(16 * MiB);
    expect(readdirSync("/dev/shm").filter((f) => f.includes(ctx.tag))).toEqual([]);
  });

  it("disk-fill on a tmpfs: POST /write fails with 507 while full and works again after undo", async () => {
    const a = await api({ env: { WRITE_DIR: "/data" }, tmpfs: { "/data": "rw,size=32m" } });
    const write = () => httpPost(`${a.victim.url}/write?bytes=${MiB}`);
    expect(await write()).toBe(201);
    const { k, p } = spec("disk-fill", { path: "/data", size: "100%" }, 10_000);
    const logs: string[] = [];
    const undo = (await k.inject(faultContext(a.victim, [], logs), p))!;
    expect(logs).toEqual([`filled /data of ${a.victim.containerName} (tmpfs): 31MiB written, 0B free`]);
    expect(await write()).toBe(507);
    await undo();
    expect(await write()).toBe(201);
    const fs = statfsSync(`/proc/${await a.pid()}/root/data`);
    expect(fs.bfree * fs.bsize).toBeGreaterThanOrEqual(30 * MiB);
  });

  it("disk-fill to a percentage leaves that share of the filesystem in use", async () => {
    const a = await api({ tmpfs: { "/data": "rw,size=32m" } });
    const { k, p } = spec("disk-fill", { path: "/data", size: "75%" }, 10_000);
    const undo = (await k.inject(faultContext(a.victim), p))!;
    const fs = statfsSync(`/proc/${await a.pid()}/root/data`);
    // dd writes whole MiB blocks but the last one is cut to size: used is 75% to within a page.
    expect((fs.blocks - fs.bfree) / fs.blocks).toBeCloseTo(0.75, 3);
    await undo();
    expect(statfsSync(`/proc/${await a.pid()}/root/data`).bfree).toBe(fs.blocks);
  });

  it("disk-fill of the writable layer: refused without allowHostDisk; with it, the file sits in UpperDir until undo", async () => {
    const a = await api();
    const refused = spec("disk-fill", { size: "8m" }, 10_000);
    await expect(refused.k.inject(faultContext(a.victim), refused.p)).rejects.toThrow(
      `disk-fill of / in ${a.victim.containerName} would fill /var/lib/docker/overlay2/`,
    );
    const upper = overlayUpperDir(await docker.getContainer(a.victim.containerId).inspect())!;
    const { k, p } = spec("disk-fill", { size: "8m", allowHostDisk: true }, 10_000);
    const ctx = faultContext(a.victim);
    const undo = (await k.inject(ctx, p))!;
    const file = join(upper, `.steadystate-fill-${ctx.tag}`);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`/proc/${await a.pid()}/root/.steadystate-fill-${ctx.tag}`)).toBe(true); // seen at / inside
    await undo();
    expect(existsSync(file)).toBe(false);
  });

  it("disk-fill refuses the links a container planted to a host folder (which stays untouched); a plain fill still works", async () => {
    const hostDir = mkdtempSync(join(tmpdir(), "steadystate-host-"));
    writeFileSync(join(hostDir, "keep"), "host");
    try {
      const a = await api({ tmpfs: { "/data": "rw,size=32m" } });
      const ctx = faultContext(a.victim);
      const name = `.steadystate-fill-${ctx.tag}`;
      // Made by a process of the container, as any of its processes could: a folder and the fill file's
      // own name pointing at the host's folder (paths the host's kernel would follow from the host's root).
      const plant = await a.container.exec([
        "node",
        "-e",
        `const fs = require("fs"); fs.symlinkSync(${JSON.stringify(hostDir)}, "/data/fill"); fs.symlinkSync(${JSON.stringify(join(hostDir, "keep"))}, "/data/${name}")`,
      ]);
      expect(plant.exitCode, plant.output).toBe(0);
      const steps: RestoreStep[] = [];
      // allowHostDisk: containment alone must keep the fill off the host.
      const viaFolder = spec("disk-fill", { path: "/data/fill", size: "8m", allowHostDisk: true }, 10_000);
      await expect(viaFolder.k.inject(faultContext(a.victim, steps), viaFolder.p)).rejects.toThrow(
        `disk-fill of /data/fill in ${a.victim.containerName} refused: /data/fill leads to ${hostDir}, which does not exist in the container`,
      );
      const atName = spec("disk-fill", { path: "/data", size: "8m" }, 10_000);
      await expect(atName.k.inject({ ...ctx, willChange: (s) => steps.push(s) }, atName.p)).rejects.toThrow(
        `disk-fill of /data in ${a.victim.containerName} refused: /data/${name} already exists, as a link to ${join(hostDir, "keep")} in the container`,
      );
      expect(steps).toEqual([]); // refused before anything to undo
      expect(readdirSync(hostDir)).toEqual(["keep"]);
      expect(readFileSync(join(hostDir, "keep"), "utf8")).toBe("host");

      const plain = spec("disk-fill", { path: "/data", size: "8m" }, 10_000);
      const logs: string[] = [];
      const undo = (await plain.k.inject(faultContext(a.victim, [], logs), plain.p))!;
      expect(logs).toEqual([`filled /data of ${a.victim.containerName} (tmpfs): 8MiB written, 24MiB free`]);
      await undo();
      const fs = statfsSync(`/proc/${await a.pid()}/root/data`);
      expect(fs.bfree).toBe(fs.blocks);
      expect(readdirSync(hostDir)).toEqual(["keep"]);
    } finally {
      rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it("kill-process: SIGTERM drains and exits 0 (no restart); SIGKILL exits 137 and the restart policy acts", async () => {
    const [term, kill] = await Promise.all([api({ restart: "on-failure" }), api({ restart: "on-failure" })]);
    const t0 = Date.now();
    const sigterm = spec("kill-process", { signal: "SIGTERM" });
    const sigkill = spec("kill-process", { signal: "SIGKILL" });
    expect(await sigterm.k.inject(faultContext(term.victim), sigterm.p)).toBeUndefined();
    expect(await sigkill.k.inject(faultContext(kill.victim), sigkill.p)).toBeUndefined();
    const inspect = () => Promise.all([term, kill].map((x) => docker.getContainer(x.victim.containerId).inspect()));
    // The fixture drains, then exits; the restart policy starts the killed one again.
    await until("SIGTERM'd api exited and SIGKILL'd api restarted", async () => {
      const [t, k] = await inspect();
      return t!.State.Status === "exited" && k!.RestartCount === 1 && k!.State.Status === "running";
    });
    const [t, k] = await inspect();
    expect([t!.State.Status, t!.State.ExitCode, t!.RestartCount]).toEqual(["exited", 0, 0]);
    expect([k!.State.Status, k!.RestartCount]).toEqual(["running", 1]);
    expect((await containerEvents(kill.victim.containerId, t0 - 1_000)).find((e) => e.action === "die")?.exitCode).toBe("137");
    const logs = (await docker.getContainer(term.victim.containerId).logs({ stdout: true, stderr: true })).toString();
    expect(logs).toContain("SIGTERM: draining");
  });
});
