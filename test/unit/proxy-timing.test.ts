import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { endToEndHeaders, pathMatches } from "../../harness/proxy/http-layer.ts";
import { plainAddress, selects } from "../../harness/proxy/rules.ts";
import { bandwidthPieces, latencyDue, slicePieces } from "../../harness/proxy/timing.ts";
import { toxicRuleSchema, type ToxicRule } from "../../harness/specs/faults/proxy-rules.ts";
const chunkArb = fc.uint8Array({ minLength: 1, maxLength: 5_000 }).map((a) => Buffer.from(a));
const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("toxic timing (pure)", () => {
  it("latency: arrival + delay ± jitter, never earlier than the previous piece", () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(1_000), fc.nat(500), fc.nat(20_000), randomArb, (at, delay, jitter, last, r) => {
        const due = latencyDue(at, delay, jitter, last, () => r);
        expect(due).toBeGreaterThanOrEqual(last);
        expect(due).toBeGreaterThanOrEqual(at + Math.max(0, delay - jitter) - 1e-9);
        expect(due).toBeLessThanOrEqual(Math.max(last, at + delay + jitter) + 1e-9);
      }),
    );
    expect(latencyDue(100, 200, 0, 0, Math.random)).toBe(300);
  });

  it("bandwidth: the pieces are the chunk, at most 100ms worth each, and leave at the link's pace", () => {
    fc.assert(
      fc.property(chunkArb, fc.integer({ min: 10, max: 10_000_000 }), fc.nat(1_000), fc.nat(2_000), (chunk, rate, now, freeAt) => {
        const { pieces, freeAt: next } = bandwidthPieces(chunk, now, freeAt, rate);
        expect(Buffer.concat(pieces.map((p) => p.data))).toEqual(chunk);
        expect(pieces.every((p) => p.data.length <= Math.max(1, Math.floor(rate / 10)))).toBe(true);
        // The chunk leaves exactly when a link of that rate, free from max(now, freeAt), finishes it.
        expect(next).toBeCloseTo(Math.max(now, freeAt) + (chunk.length * 1_000) / rate, 6);
        pieces.forEach((p, i) => i && expect(p.dueAt).toBeGreaterThan(pieces[i - 1]!.dueAt));
      }),
    );
  });

  it("bandwidth: pieces are views of the chunk, not copies", () => {
    const chunk = Buffer.alloc(1_000);
    const { pieces } = bandwidthPieces(chunk, 0, 0, 2_000);
    expect(pieces.map((p) => p.data.length)).toEqual([200, 200, 200, 200, 200]);
    expect(pieces.every((p) => p.data.buffer === chunk.buffer)).toBe(true);
  });

  it("slicer: pieces are the chunk, sized average ± variation (the last may be shorter), delay apart", () => {
    fc.assert(
      fc.property(chunkArb, fc.integer({ min: 1, max: 200 }), fc.nat(50), fc.nat(20), fc.nat(1_000), randomArb, (chunk, avg, varRaw, delay, start, r) => {
        const variation = Math.min(varRaw, avg - 1);
        const { pieces, nextAt } = slicePieces(chunk, avg, variation, delay, start, () => r);
        expect(Buffer.concat(pieces.map((p) => p.data))).toEqual(chunk);
        pieces.slice(0, -1).forEach((p) => {
          expect(p.data.length).toBeGreaterThanOrEqual(avg - variation);
          expect(p.data.length).toBeLessThanOrEqual(avg + variation);
        });
        pieces.forEach((p, i) => expect(p.dueAt).toBe(start + i * delay));
        expect(nextAt).toBe(start + pieces.length * delay);
      }),
    );
  });
});

describe("rules", () => {
  const rule = toxicRuleSchema.parse({ id: "r", toxic: "blackhole", direction: "both", probability: 1 });

  it("select connections by source address and upstream", () => {
    expect(selects(rule, { remoteAddress: "1.2.3.4", upstreamIndex: 0 })).toBe(true);
    const scoped: ToxicRule = { ...rule, sources: ["172.18.0.3"], upstreams: [1] };
    expect(selects(scoped, { remoteAddress: "::ffff:172.18.0.3", upstreamIndex: 1 })).toBe(true);
    expect(selects(scoped, { remoteAddress: "172.18.0.4", upstreamIndex: 1 })).toBe(false);
    expect(selects(scoped, { remoteAddress: "172.18.0.3", upstreamIndex: 0 })).toBe(false);
    expect(plainAddress("::1")).toBe("::1");
  });

  it("refuse unknown toxics and attributes (the control API validates with the same schema)", () => {
    expect(toxicRuleSchema.safeParse({ id: "r", toxic: "melt", direction: "both", probability: 1 }).success).toBe(false);
    expect(toxicRuleSchema.safeParse({ ...rule, extra: 1 }).success).toBe(false);
    expect(toxicRuleSchema.safeParse({ ...rule, probability: 2 }).success).toBe(false);
  });
});

describe("HTTP fault matching", () => {
  it.each([
    [undefined, "/anything", true],
    ["/work", "/work", true],
    ["/work", "/work?x=1", true],
    ["/work", "/work/7", true],
    ["/work/", "/work/7", true],
    ["/work", "/workers", false],
    ["/", "/x", true],
  ] as const)("path %s matches %s: %s", (rule, url, expected) => expect(pathMatches(rule, url)).toBe(expected));

  it("forwards only end-to-end headers", () => {
    expect(
      endToEndHeaders({ host: "x", connection: "keep-alive, x-private", "keep-alive": "timeout=5", "x-private": "1", "transfer-encoding": "chunked", accept: "*/*" }),
    ).toEqual({ host: "x", accept: "*/*" });
  });
});
