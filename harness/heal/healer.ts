// The healer: when an alert or a detector fires, each `heal` rule on that name runs its action on its
// target. Actions on one target run one after another (two restarts must not race); each rule acts at most
// `limit` times, and not within its `cooldown` after an action on its target ended (a restart makes the
// service look down for a moment: the alerts that raises are echoes of the repair, not a new failure).
// Every action is journaled with the time it began, so MTTR splits into time to detect, time to act and
// time to recover.
import type Docker from "dockerode";
import { httpGet } from "../probes/http.ts";
import { formatDuration } from "../contracts/units.ts";
import type { Target } from "../scenario/scenario.ts";
import type { RunningTargets } from "../targets/containers.ts";
import type { Replica } from "../docker/replica.ts";
import type { HealActionSpec } from "../specs/heal/action.ts";
import { healActionSpecs } from "../specs/heal/registry.ts";
import type { HealActionRuntime } from "./action.ts";
import { healActionRuntimes } from "./registry.ts";
import type { HealRule } from "../specs/heal/scenario.ts";
import type { AlertEvent, HealRecord } from "../contracts/journal.ts";
import type { TargetsContext } from "../docker/context.ts";
/** Where the healer hears alert edges (the run's alert log). */
export interface AlertEdges {
  onEdge(listener: (e: AlertEvent) => void): void;
}

export interface HealerContext {
  docker: Docker;
  targets: TargetsContext;
  running: RunningTargets;
  specs: Record<string, Target>;
  added(replica: Replica): void;
  event(type: string, message: string): void;
}

const HEALTH_TIMEOUT_MS = 500;

export class Healer {
  readonly records: HealRecord[] = [];
  private readonly used = new Map<number, number>();
  private readonly queues = new Map<string, Promise<void>>();
  /** When the last action on each target ended. */
  private readonly lastEnded = new Map<string, number>();

  constructor(
    private readonly rules: readonly HealRule[],
    private readonly ctx: HealerContext,
    log: AlertEdges,
  ) {
    log.onEdge((e) => {
      if (e.state !== "firing") return;
      for (const rule of this.rules.filter((r) => r.on === e.name)) this.enqueue(rule, e);
    });
  }

  /** Waits for the actions under way. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }

  private enqueue(rule: HealRule, trigger: AlertEvent): void {
    const previous = this.queues.get(rule.target) ?? Promise.resolve();
    this.queues.set(rule.target, previous.then(() => this.act(rule, trigger)));
  }

  /** Whether the rule may act now; says why not. Decided when the action's turn comes, not when queued. */
  private mayAct(rule: HealRule, trigger: AlertEvent): boolean {
    const used = this.used.get(rule.index) ?? 0;
    if (used >= rule.limit) {
      this.ctx.event("heal", `${rule.description}: not acting on ${trigger.name}, the rule already acted ${rule.limit} time(s) (limit)`);
      return false;
    }
    const sinceMs = Date.now() - (this.lastEnded.get(rule.target) ?? -Infinity);
    if (sinceMs < rule.cooldownMs) {
      this.ctx.event("heal", `${rule.description}: not acting on ${trigger.name}, an action on ${rule.target} ended ${sinceMs}ms ago (cooldown ${formatDuration(rule.cooldownMs)})`);
      return false;
    }
    this.used.set(rule.index, used + 1);
    return true;
  }

  private async act(rule: HealRule, trigger: AlertEvent): Promise<void> {
    if (!this.mayAct(rule, trigger)) return;
    const { scope } = (healActionSpecs as Record<string, HealActionSpec<object>>)[rule.action]!;
    const action = (healActionRuntimes as Record<string, HealActionRuntime<object>>)[rule.action]!;
    const target = this.ctx.specs[rule.target]!;
    const at = Date.now();
    const record: HealRecord = { at, rule: rule.description, on: trigger.name, action: rule.action, target: rule.target, replicas: [], ok: false };
    try {
      const replicas = scope === "target" ? [...this.ctx.running.replicas[rule.target]!] : await this.chooseReplicas(target, trigger);
      record.replicas = replicas.map((r) => r.containerName);
      record.detail = await action.run(
        { docker: this.ctx.docker, targets: this.ctx.targets, running: this.ctx.running, target, replicas, added: this.ctx.added },
        rule.params,
      );
      record.ok = true;
      this.ctx.event("heal", `${rule.description} on ${trigger.name}: ${record.detail} in ${Date.now() - at}ms`);
    } catch (e) {
      record.error = (e as Error).message;
      this.ctx.event("heal-failed", `${rule.description} on ${trigger.name}: ${record.error}`);
    }
    this.lastEnded.set(rule.target, Date.now());
    this.records.push(record);
  }

  /** The replica the alert names (label `replica`), else those failing their health check now, else all. */
  private async chooseReplicas(target: Target, trigger: AlertEvent): Promise<Replica[]> {
    const all = this.ctx.running.replicas[target.name]!;
    const named = all.filter((r) => `${r.target}-${r.index}` === trigger.labels.replica);
    if (named.length) return named;
    const healthy = await Promise.all(
      all.map(async (r) => {
        const state = (await this.ctx.docker.getContainer(r.containerId).inspect()).State;
        if (!state.Running || state.Paused) return false;
        const answer = await httpGet(r.url + target.health.path, HEALTH_TIMEOUT_MS);
        return answer.ok || (target.health.anyStatus && answer.status !== undefined);
      }),
    );
    const sick = all.filter((_, i) => !healthy[i]);
    return sick.length ? sick : [...all];
  }
}
