// CPU burner for the cpu-burn fault: `node burner.mjs CPUS DEADLINE_MS`. Plain JavaScript (not TypeScript)
// so that it starts in milliseconds without a loader. It waits for a line on stdin (sent once the harness
// has moved it into the target's cgroups), then keeps CPUS cores busy (a fraction: that share of each
// 100 ms), and exits when stdin closes (the harness ended, even by SIGKILL) or at the deadline.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const PERIOD_MS = 100;

function burn(share) {
  const busyMs = PERIOD_MS * share;
  for (;;) {
    const start = performance.now();
    while (performance.now() - start < busyMs);
    if (share < 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PERIOD_MS - busyMs);
  }
}

if (!isMainThread) {
  parentPort.postMessage("started");
  burn(workerData.share);
} else {
  const cpus = Number(process.argv[2]);
  const deadlineMs = Number(process.argv[3]);
  if (!(cpus > 0) || !(deadlineMs > 0)) {
    console.error("usage: burner.mjs CPUS DEADLINE_MS");
    process.exit(2);
  }
  setTimeout(() => process.exit(0), deadlineMs);
  process.stdin.on("end", () => process.exit(0));
  process.stdin.once("data", () => {
    const threads = Math.ceil(cpus);
    for (let i = 0; i < threads; i++) new Worker(new URL(import.meta.url), { workerData: { share: cpus / threads } });
  });
  process.stdin.resume();
}
