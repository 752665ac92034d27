// Host-side fault proxies: in front of each replica of a target that has proxy faults without `from`, a
// fault proxy on 127.0.0.1 through which the load and the probes then go (targets without such faults
// are reached directly: the proxy costs a hop, see docs/faults.md). With HTTP faults on the target, an
// HTTP fault layer sits behind the TCP proxy, so TCP toxics still act on the client's own connection.
import type { Teardown } from "../contracts/teardown.ts";
import type { Replica } from "../docker/replica.ts";
import { HttpFaultLayer } from "./http-layer.ts";
import { FaultProxy } from "./proxy.ts";
import type { ProxyRule } from "../specs/faults/proxy-rules.ts";


/** Something rules can be given to and taken from: a proxy in this process or a proxy container. */
export interface RuleTarget {
  set(rule: ProxyRule): Promise<void>;
  remove(id: string): Promise<void>;
}

export class HostProxy implements RuleTarget {
  private constructor(
    readonly replica: Replica,
    readonly tcp: FaultProxy,
    readonly http: HttpFaultLayer | undefined,
  ) {}

  static async start(replica: Replica, withHttp: boolean): Promise<HostProxy> {
    const http = withHttp ? await HttpFaultLayer.start({ host: "127.0.0.1", port: replica.hostPort }) : undefined;
    try {
      const tcp = await FaultProxy.start({ listen: { host: "127.0.0.1", port: 0 }, upstreams: [{ host: "127.0.0.1", port: http?.port ?? replica.hostPort }] });
      return new HostProxy(replica, tcp, http);
    } catch (e) {
      await http?.close();
      throw e;
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.tcp.port}`;
  }

  async set(rule: ProxyRule): Promise<void> {
    if ("toxic" in rule) return this.tcp.setRule(rule);
    if (!this.http) throw new Error(`the proxy in front of ${this.replica.containerName} has no HTTP layer`);
    this.http.setRule(rule);
  }

  async remove(id: string): Promise<void> {
    this.tcp.removeRule(id);
    this.http?.removeRule(id);
  }

  async close(): Promise<void> {
    await this.tcp.close();
    await this.http?.close();
  }
}

/** What each target needs in front of it: nothing, a TCP proxy, or a TCP proxy with an HTTP layer. */
export type HostProxyNeeds = Record<string, { http: boolean }>;

export async function startHostProxies(
  replicas: Record<string, readonly Replica[]>,
  needs: HostProxyNeeds,
  teardown: Teardown,
  log: (message: string) => void,
): Promise<Map<string, HostProxy>> {
  const proxies = new Map<string, HostProxy>();
  for (const [target, need] of Object.entries(needs)) {
    for (const replica of replicas[target] ?? []) {
      const proxy = await HostProxy.start(replica, need.http);
      teardown.push(`close fault proxy in front of ${replica.containerName}`, () => proxy.close());
      proxies.set(replica.containerId, proxy);
    }
    log(`load and probes reach ${target} through fault proxies${need.http ? " (with HTTP faults)" : ""}`);
  }
  return proxies;
}
