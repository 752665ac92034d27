// When each piece of a stream may leave a delaying toxic: pure functions of arrival time, parameters and a
// random source, so the arithmetic is unit-tested without sockets. Pieces are views (subarray) of the
// chunk read from the socket: nothing is copied.

export interface Piece {
  data: Buffer;
  /** performance.now() time at which the piece may be written on. */
  dueAt: number;
}

/** Latency: arrival + delay ± jitter, never before the previous piece (a stream stays in order). */
export function latencyDue(arrivedAt: number, delayMs: number, jitterMs: number, lastDueAt: number, random: () => number): number {
  const jitter = jitterMs ? (random() * 2 - 1) * jitterMs : 0;
  return Math.max(arrivedAt + Math.max(0, delayMs + jitter), lastDueAt);
}

/**
 * Bandwidth: each piece leaves when a link of `bytesPerSecond` would have finished sending it, the link
 * being busy until `freeAt`. Chunks are cut into pieces of at most 100 ms worth of bytes so that a slow
 * link still delivers steadily (as Toxiproxy's bandwidth toxic does).
 */
export function bandwidthPieces(chunk: Buffer, now: number, freeAt: number, bytesPerSecond: number): { pieces: Piece[]; freeAt: number } {
  const most = Math.max(1, Math.floor(bytesPerSecond / 10));
  const pieces: Piece[] = [];
  let t = Math.max(now, freeAt);
  for (let offset = 0; offset < chunk.length; offset += most) {
    const data = chunk.subarray(offset, offset + most);
    t += (data.length * 1_000) / bytesPerSecond;
    pieces.push({ data, dueAt: t });
  }
  return { pieces, freeAt: t };
}

/**
 * Slicer: pieces of averageSize ± sizeVariation bytes (at least 1), `delayMs` apart, the first at `startAt`.
 * Returns the pieces and when the next chunk's first piece may leave.
 */
export function slicePieces(
  chunk: Buffer,
  averageSize: number,
  sizeVariation: number,
  delayMs: number,
  startAt: number,
  random: () => number,
): { pieces: Piece[]; nextAt: number } {
  const pieces: Piece[] = [];
  let t = startAt;
  for (let offset = 0; offset < chunk.length; ) {
    const size = Math.max(1, averageSize + Math.round((random() * 2 - 1) * sizeVariation));
    pieces.push({ data: chunk.subarray(offset, offset + size), dueAt: t });
    offset += size;
    t += delayMs;
  }
  return { pieces, nextAt: t };
}
