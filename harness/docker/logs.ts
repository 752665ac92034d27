// A container's whole log (all restarts, stdout and stderr, with timestamps) saved into one file before
// the container is removed.
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type Docker from "dockerode";

export async function saveLogs(container: Docker.Container, file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const raw = await container.logs({ stdout: true, stderr: true, timestamps: true, follow: false });
  const out = createWriteStream(file);
  const sink = new Writable({ write: (chunk, _enc, cb) => (out.write(chunk), cb()) });
  const source = Readable.from([raw]);
  container.modem.demuxStream(source, sink, sink);
  await finished(source);
  out.end();
  await finished(out);
}
