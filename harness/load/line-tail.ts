// Reads the lines another process is still appending to a file (k6's JSON output while k6 runs): each read
// returns the complete lines written since the previous one; a line torn by a write in progress waits for
// its end. Hand-written, since it is a few lines: tail libraries emit a line per event from fs.watch, with no
// bound on what one read holds, and fs.watch is unreliable on some filesystems (overlay, network).
import { open, type FileHandle } from "node:fs/promises";

export interface LineTailLimits {
  /** Bytes read per call at most; the rest waits for the next call. */
  maxReadBytes: number;
  /** A line longer than this is skipped whole (k6's lines are under 2 KB). */
  maxLineBytes: number;
}

const LIMITS: LineTailLimits = { maxReadBytes: 4 * 1024 * 1024, maxLineBytes: 64 * 1024 };
const NEWLINE = 0x0a;

export class LineTail {
  private handle: FileHandle | undefined;
  private offset = 0;
  private size = 0;
  private torn: Buffer = Buffer.alloc(0);
  /** Inside a line longer than maxLineBytes: drop bytes up to its end. */
  private skipping = false;

  constructor(
    readonly path: string,
    private readonly limits: LineTailLimits = LIMITS,
  ) {}

  /** Whether the last read reached what the file held then. */
  get atEnd(): boolean {
    return this.offset >= this.size;
  }

  /** The complete, non-empty lines appended since the last call; none while the file does not exist yet. */
  async read(): Promise<string[]> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, "r");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw e;
      }
    }
    this.size = (await this.handle.stat()).size;
    const n = Math.min(this.limits.maxReadBytes, this.size - this.offset);
    if (n <= 0) return [];
    const chunk = Buffer.allocUnsafe(n);
    const { bytesRead } = await this.handle.read(chunk, 0, n, this.offset);
    this.offset += bytesRead;
    return this.split(chunk.subarray(0, bytesRead));
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private split(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; start = nl + 1, nl = chunk.indexOf(NEWLINE, start)) {
      const part = chunk.subarray(start, nl);
      if (this.skipping) {
        this.skipping = false;
        this.torn = Buffer.alloc(0);
        continue;
      }
      const line = (this.torn.length ? Buffer.concat([this.torn, part]) : part).toString("utf8").replace(/\r$/, "");
      this.torn = Buffer.alloc(0);
      if (line.length > 0 && Buffer.byteLength(line) <= this.limits.maxLineBytes) lines.push(line);
    }
    if (!this.skipping) {
      const rest = chunk.subarray(start);
      if (this.torn.length + rest.length > this.limits.maxLineBytes) {
        this.skipping = true;
        this.torn = Buffer.alloc(0);
      } else if (rest.length) this.torn = Buffer.concat([this.torn, rest]);
    }
    return lines;
  }
}
