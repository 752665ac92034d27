// The user's own Prometheus or Alertmanager: their alerts API polled every `pollInterval`. An alert is
// detected at the first poll that sees it firing (Alertmanager: active; Prometheus: firing, not pending),
// resolved at the first poll that no longer does.
import { sleep } from "../contracts/time.ts";
import type { AlertLog } from "./alert-log.ts";

interface PolledAlert {
  labels: Record<string, string>;
}

export interface PollTarget {
  prometheusUrl: string | null;
  alertmanagerUrl: string | null;
  pollIntervalMs: number;
}

/** Polls until the signal aborts; a failed poll is reported once per error text and retried. */
export async function pollAlerts(t: PollTarget, log: AlertLog, signal: AbortSignal, onError: (message: string) => void): Promise<void> {
  let firing = new Map<string, PolledAlert>();
  let lastError = "";
  while (!signal.aborted) {
    const started = Date.now();
    try {
      const now = await fetchFiring(t, Math.max(500, t.pollIntervalMs));
      const at = Date.now();
      for (const [key, a] of now) if (!firing.has(key)) log.report({ name: a.labels.alertname ?? "unnamed", state: "firing", at, labels: a.labels });
      for (const [key, a] of firing) if (!now.has(key)) log.report({ name: a.labels.alertname ?? "unnamed", state: "resolved", at, labels: a.labels });
      firing = now;
      lastError = "";
    } catch (e) {
      const message = `polling alerts from ${t.alertmanagerUrl ?? t.prometheusUrl}: ${(e as Error).message}`;
      if (message !== lastError) onError(message);
      lastError = message;
    }
    await sleep(Math.max(0, started + t.pollIntervalMs - Date.now()), signal);
  }
}

async function fetchFiring(t: PollTarget, timeoutMs: number): Promise<Map<string, PolledAlert>> {
  const fromAlertmanager = t.alertmanagerUrl !== null;
  const url = fromAlertmanager
    ? `${t.alertmanagerUrl!.replace(/\/$/, "")}/api/v2/alerts?active=true&silenced=false&inhibited=false`
    : `${t.prometheusUrl!.replace(/\/$/, "")}/api/v1/alerts`;
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const body = (await res.json()) as unknown;
  const alerts: PolledAlert[] = fromAlertmanager
    ? (body as { labels: Record<string, string>; status?: { state?: string } }[]).filter((a) => a.status?.state === "active")
    : (body as { data: { alerts: { labels: Record<string, string>; state: string }[] } }).data.alerts.filter((a) => a.state === "firing");
  return new Map(alerts.map((a) => [JSON.stringify(Object.entries(a.labels).sort(([x], [y]) => x.localeCompare(y))), a]));
}
