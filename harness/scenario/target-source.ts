// Where a target comes from: built or run by the harness (`build`, `image`), or not owned by the run: an
// already-running container (`container`: faults allowed, left exactly as found) or a URL (`url`: load and
// probes only). Checked on the raw mapping so each misplaced key is reported where it is.
import type { Issue } from "../contracts/errors.ts";
import { isLoopbackUrl } from "../specs/urls.ts";

export const SOURCE_KEYS = ["build", "image", "container", "url"] as const;
export type TargetSource = (typeof SOURCE_KEYS)[number];

/** Keys that only make sense for containers the run creates. */
const OWNED_ONLY = ["replicas", "restart", "env", "command", "tmpfs"] as const;

export function targetSource(raw: Record<string, unknown>): TargetSource | undefined {
  return SOURCE_KEYS.find((k) => raw[k] !== undefined);
}

/** Problems with a target's source and with the keys that do not apply to it. */
export function checkTargetSource(raw: Record<string, unknown>, name: string): Issue[] {
  const path = ["targets", name];
  const given = SOURCE_KEYS.filter((k) => raw[k] !== undefined);
  const issues: Issue[] = [];
  if (given.length === 0) {
    return [{ path, message: "give build (a folder with a Dockerfile), image (a local image), container (a running container's name) or url", atKey: true }];
  }
  // build + image alone keeps its own wording (validate.ts).
  if (given.length > 1 && !(given.length === 2 && given.includes("build") && given.includes("image"))) {
    return [{ path: [...path, given[1]!], message: `give only one of ${SOURCE_KEYS.join(", ")}`, atKey: true }];
  }
  const source = given[0]!;
  if (source === "container" || source === "url") {
    for (const key of OWNED_ONLY.filter((k) => raw[k] !== undefined)) {
      issues.push({ path: [...path, key], message: `does not apply to a ${source} target: the run does not own it`, atKey: true });
    }
  }
  if (source === "url") {
    if (raw.port !== undefined) issues.push({ path: [...path, "port"], message: "does not apply to a url target: the port is the URL's", atKey: true });
    issues.push(...checkUrl(raw.url, raw.allowRemote === true, [...path, "url"]));
  } else {
    if (raw.allowRemote !== undefined) issues.push({ path: [...path, "allowRemote"], message: "applies only to url targets", atKey: true });
    if (raw.port === undefined) issues.push({ path: [...path, "port"], message: "is required", atKey: false });
  }
  return issues;
}

function checkUrl(value: unknown, allowRemote: boolean, path: (string | number)[]): Issue[] {
  if (typeof value !== "string") return []; // the schema reports the type
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ path, message: `"${value}" is not a URL like http://127.0.0.1:8080` }];
  }
  if (url.protocol !== "http:") return [{ path, message: `"${value}" is not an http:// URL`, valid: ["http"] }];
  if (url.pathname !== "/" || url.search || url.hash) return [{ path, message: `give the URL without a path (${url.origin}); paths belong to load and probes` }];
  if (!allowRemote && !isLoopbackUrl(url)) {
    return [
      {
        path,
        message: `${url.host} is not this machine: load and probes go only to loopback (127.0.0.0/8, localhost, [::1]) unless the target sets allowRemote: true`,
      },
    ];
  }
  return [];
}
