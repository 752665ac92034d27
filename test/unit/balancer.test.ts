import { describe, expect, it } from "vitest";
import { BalancerLog, describeChange } from "../../harness/balancer/events.ts";
import { haproxyConfig } from "../../harness/balancer/haproxy-config.ts";

// Lines as HAProxy 2.6 writes them (-db) and `docker logs --timestamps` shows them.
const LINES = [
  "2026-11-23T16:57:58.358735997Z [WARNING]  (1) : config : [/etc/haproxy/haproxy.cfg:26] : 'server api/api-2' : could not resolve address 'api-2', disabling server.",
  "2026-11-23T16:57:58.361811286Z [NOTICE]   (1) : Loading success.",
  "2026-11-23T16:58:08.694604681Z [WARNING]  (8) : api/api-2 changed its IP from (none) to 172.22.0.5 by docker/127.0.0.11.",
  "2026-11-23T16:58:08.694626854Z [WARNING]  (8) : Server api/api-2 ('api-2') is UP/READY (resolves again).",
  "2026-11-23T16:58:08.694629859Z [WARNING]  (8) : Server api/api-2 administratively READY thanks to valid DNS answer.",
  "2026-11-23T16:58:12.272751875Z [WARNING]  (8) : Server api/api-0 is DOWN, reason: Layer4 timeout, check duration: 251ms. 2 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.",
  "2026-11-23T16:58:13.221241650Z [WARNING]  (8) : Server api/api-0 was DOWN and now enters maintenance (DNS NX status).",
  "2026-11-23T16:58:14.070351488Z [WARNING]  (8) : Server api/api-0 ('api-0') is UP/READY (resolves again).",
  "2026-11-23T16:58:20.100000000Z [WARNING]  (8) : Server api/api-1 is DOWN, reason: Layer7 timeout, check duration: 250ms. 2 active and 0 backup servers left.",
  "2026-11-23T16:58:24.600000000Z [WARNING]  (8) : Server api/api-1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. 3 active and 0 backup servers left.",
];

describe("HAProxy's log as balancer events", () => {
  it("reports each ejection and return once, at HAProxy's own time", () => {
    const log = new BalancerLog();
    const changes = LINES.map((l) => log.read(l, 0)).filter((c) => c !== undefined);
    expect(changes.map((c) => [new Date(c.at).toISOString(), describeChange(c)])).toEqual([
      ["2026-11-23T16:58:08.694Z", "api-2 added to the rotation (resolves again)"],
      ["2026-11-23T16:58:12.272Z", "api-0 ejected by the balancer (Layer4 timeout)"],
      ["2026-11-23T16:58:14.070Z", "api-0 back in rotation (resolves again)"],
      ["2026-11-23T16:58:20.100Z", "api-1 ejected by the balancer (Layer7 timeout)"],
      ["2026-11-23T16:58:24.600Z", "api-1 back in rotation (Layer7 check passed)"],
    ]);
  });
});

describe("HAProxy configuration", () => {
  it("declares a slot per possible replica, addressed by DNS, with active health checks", () => {
    const cfg = haproxyConfig({ target: "api", port: 8080, healthPath: "/healthz", slots: 4 });
    expect(cfg).toContain("  bind :8080\n  default_backend api");
    expect(cfg).toContain("  option httpchk GET /healthz");
    expect(cfg).toContain("  default-server check inter 250ms fall 2 rise 2 resolvers docker init-addr last,libc,none");
    expect(cfg.match(/^ {2}server .*$/gm)).toEqual(["  server api-0 api-0:8080", "  server api-1 api-1:8080", "  server api-2 api-2:8080", "  server api-3 api-3:8080"]);
    expect(haproxyConfig({ target: "api", port: 8080, healthPath: null, slots: 1 })).not.toContain("httpchk");
  });
});
