// Entry point of the fault proxy container (bundled into one file by image.ts). Configured by environment:
//   LISTEN_PORT   port to answer on (the dependency's own port)
//   UPSTREAMS     host:port,… to forward to, round-robin per connection (the dependency's replicas)
//   CONTROL_PORT  control API port (default 8474)
//   CONTROL_TOKEN the token every control call must carry (required)
import { CONTROL_PORT, startControlServer } from "./control.ts";
import { FaultProxy, type Endpoint } from "./proxy.ts";

function upstreams(text: string): Endpoint[] {
  return text.split(",").map((hostPort) => {
    const at = hostPort.lastIndexOf(":");
    const port = Number(hostPort.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port)) throw new Error(`UPSTREAMS: "${hostPort}" is not host:port`);
    return { host: hostPort.slice(0, at), port };
  });
}

const listenPort = Number(process.env.LISTEN_PORT);
const targets = upstreams(process.env.UPSTREAMS ?? "");
const controlPort = Number(process.env.CONTROL_PORT ?? CONTROL_PORT);
const controlToken = process.env.CONTROL_TOKEN;
if (!controlToken) throw new Error("CONTROL_TOKEN is not set: the control API takes no call without a token");
const proxy = await FaultProxy.start({ listen: { host: "0.0.0.0", port: listenPort }, upstreams: targets });
// On every interface: Docker's published port (127.0.0.1 on the host) forwards to the container's network
// address, which a bind on 127.0.0.1 in here would not answer. Every container on the run network (the
// target under test included) reaches it too: the token is what keeps them out.
const control = await startControlServer(proxy, controlPort, "0.0.0.0", controlToken);
console.log(`fault proxy on :${listenPort} → ${targets.map((t) => `${t.host}:${t.port}`).join(", ")}; control on :${controlPort}`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    control.close();
    void proxy.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1_000).unref();
  });
}
