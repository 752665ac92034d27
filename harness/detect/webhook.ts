// The receiver Alertmanager notifies: a loopback HTTP server taking Alertmanager's webhook payload (version 4).
// An alert is detected when its notification reaches the harness, as it would reach a pager.
import { createServer, type Server } from "node:http";
import type { AlertLog } from "./alert-log.ts";

interface WebhookAlert {
  status?: string;
  labels?: Record<string, string>;
}

const MAX_BODY = 1_000_000;

export interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
}

export async function startWebhook(log: AlertLog): Promise<WebhookReceiver> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const at = Date.now();
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on("end", () => {
      try {
        const payload = JSON.parse(body) as { alerts?: WebhookAlert[] };
        for (const a of payload.alerts ?? []) {
          const labels = a.labels ?? {};
          log.report({ name: labels.alertname ?? "unnamed", state: a.status === "resolved" ? "resolved" : "firing", at, labels });
        }
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end("not an Alertmanager webhook payload\n");
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/alerts`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
