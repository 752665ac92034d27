// HTTP faults on the host-side fault proxy of a target: some requests (`ratio`, optionally only under
// `path`) are answered with an error, aborted, or delayed. Load and probes see them; links do not.
import { duration, int, obj, ratio, urlPath } from "../fields.ts";
import { formatDuration } from "../../contracts/units.ts";
import { httpFault } from "./proxy-fault.ts";

const match = { ratio: ratio.default(1), path: urlPath.optional() };

export const httpError = httpFault({
  kind: "http-error",
  summary: "answer `ratio` of requests (under `path`) with `status` (fault proxy)",
  params: obj({ status: int(400, 599).default(503), ...match }),
  spec: (p) => ({ http: "error", status: p.status }),
  effect: (p) => `${p.status}`,
});

export const httpAbort = httpFault({
  kind: "http-abort",
  summary: "reset the connection of `ratio` of requests (under `path`) without an answer (fault proxy)",
  params: obj({ ...match }),
  spec: () => ({ http: "abort" }),
  effect: () => "(connection reset)",
});

export const httpDelay = httpFault({
  kind: "http-delay",
  summary: "hold `ratio` of requests (under `path`) for `delay` before forwarding (fault proxy)",
  params: obj({ delay: duration, ...match }).transform(({ delay, ...rest }) => ({ ...rest, delayMs: delay })),
  spec: (p) => ({ http: "delay", delayMs: p.delayMs }),
  effect: (p) => `+${formatDuration(p.delayMs)}`,
  onRemoval: "requests it holds are forwarded at once",
});
