// Keeps the table of the MutatingAdmissionPolicy backend current: every tag of every lookup stream
// resolved (admission/lookupParams), written into the policies' `resolved` variable, so the API
// server pins images itself, without a webhook. Leader only: one writer.
import { lookupParams, lookupTableVariable, type LookupTable } from '../admission/index.js';
import { isNotFound, resourcePath, retryOnConflict, type KubeClient, type KubeObject } from '../cluster/index.js';
import { jsonEqual } from '../imagestream/index.js';
import { errorText, type Logger } from './log.js';
import type { Runnable } from './manager.js';
import { afterTriggerWrites, type StreamObject } from './shared-informers.js';

const resyncMs = 60_000;

export interface StreamCache {
  onStreamChange(handler: (stream: StreamObject) => void): void;
  onStreamDelete(handler: (stream: StreamObject) => void): void;
  streamsIn(namespace?: string): readonly StreamObject[];
}

interface Policy extends KubeObject {
  spec?: { variables?: Array<{ name: string; expression: string }> };
}

export class LookupPolicyController implements Runnable {
  readonly name = 'lookup-policies';
  readonly needsLeaderElection = true;
  private dirty = true;
  private wake?: () => void;

  constructor(
    private readonly options: { api: KubeClient; caches: StreamCache; policies: readonly string[]; log: Logger },
  ) {
    const mark = (): void => {
      this.dirty = true;
      this.wake?.();
    };
    options.caches.onStreamChange(afterTriggerWrites(mark));
    options.caches.onStreamDelete(mark);
  }

  async start(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.dirty) {
        this.dirty = false;
        await this.write().catch((error: unknown) => {
          this.options.log.warning('image lookup policies not updated', { error: errorText(error) });
          this.dirty = true;
        });
      }
      if (signal.aborted) break;
      // A failed write is retried after a pause; a stream change wakes the loop at once; and the
      // policies are checked again now and then (a re-run of install resets their table).
      await this.pause(signal, this.dirty ? 1_000 : resyncMs);
    }
  }

  /**
   * Waits for a stream change, the stop or `ms`. Whichever comes first takes the other two away: a
   * timer left behind would hold a stopped process open for up to a minute, and a listener left on
   * the signal per wake would pile up for as long as streams move.
   */
  private pause(signal: AbortSignal, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(() => {
        this.dirty = true;
        done();
      }, ms);
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private table(): LookupTable {
    const byNamespace = new Map<string, StreamObject[]>();
    for (const s of this.options.caches.streamsIn()) {
      const ns = s.metadata?.namespace ?? '';
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), s]);
    }
    const table: LookupTable = {};
    for (const [ns, streams] of [...byNamespace].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const resolved = lookupParams(streams);
      if (Object.keys(resolved).length > 0) table[ns] = resolved;
    }
    return table;
  }

  private async write(): Promise<void> {
    const variable = lookupTableVariable(this.table());
    for (const name of this.options.policies) {
      const path = resourcePath('admissionregistration.k8s.io/v1', 'mutatingadmissionpolicies', undefined, name);
      await retryOnConflict(async () => {
        let policy: Policy;
        try {
          policy = await this.options.api.call<Policy>(path);
        } catch (error) {
          if (isNotFound(error)) return;
          throw error;
        }
        const variables = policy.spec?.variables ?? [];
        const next = [...variables.filter((v) => v.name !== variable.name), variable];
        if (
          jsonEqual(
            variables.find((v) => v.name === variable.name),
            variable,
          )
        )
          return;
        await this.options.api.call(path, {
          method: 'PUT',
          body: { ...policy, spec: { ...policy.spec, variables: next } },
        });
        this.options.log.info('image lookup policy updated', { policy: name });
      });
    }
  }
}
