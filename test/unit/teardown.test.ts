import { describe, expect, it } from "vitest";
import { Teardown } from "../../harness/contracts/teardown.ts";

describe("teardown stack", () => {
  it("undoes newest first and runs every undo even when some fail", async () => {
    const order: string[] = [];
    const t = new Teardown(1_000);
    t.push("a", async () => void order.push("a"));
    t.push("b", async () => {
      order.push("b");
      throw new Error("boom");
    });
    t.push("c", async () => void order.push("c"));
    const failures = await t.unwind();
    expect(order).toEqual(["c", "b", "a"]);
    expect(failures).toEqual([{ label: "b", error: "boom" }]);
    expect(t.size).toBe(0);
  });

  it("bounds each undo in time", async () => {
    const t = new Teardown(50);
    t.push("hangs", () => new Promise(() => undefined));
    expect(await t.unwind()).toEqual([{ label: "hangs", error: 'undo "hangs" timed out after 50ms' }]);
  });

  it("runs an undo once, early or at unwind, and keeps early failures", async () => {
    let runs = 0;
    const t = new Teardown(1_000);
    const handle = t.push("window", async () => {
      runs++;
      throw new Error("cannot unpause");
    });
    await expect(handle.run()).rejects.toThrow("cannot unpause");
    await expect(handle.run()).rejects.toThrow("cannot unpause");
    expect(await t.unwind()).toEqual([{ label: "window", error: "cannot unpause" }]);
    expect(runs).toBe(1);
  });
});
