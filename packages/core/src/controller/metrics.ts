import type { RequestCounts } from '../registry/index.js';

/**
 * The few Prometheus series the controller exposes, rendered in the text exposition format
 * (version 0.0.4). Small enough that a client library would be more code than it saves.
 */
type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

/**
 * Which series labels pick, without the exposition format's escaping: a roll counts every
 * workload, and the text is needed only when the metrics are scraped.
 */
function seriesKey(labels: Labels): string {
  let key = '';
  for (const name in labels) key += `${name}\u0000${labels[name]}\u0000`;
  return key;
}

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = seriesKey(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(seriesKey(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    this.buckets.forEach((le, i) => {
      if (value <= le) this.counts[i] = (this.counts[i] ?? 0) + 1;
    });
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket{le="${le}"} ${this.counts[i]}`));
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    );
    return lines.join('\n');
  }
}

class Gauge {
  private value = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  set(value: number): void {
    this.value = value;
  }

  get(): number {
    return this.value;
  }

  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.value}`].join('\n');
  }
}

export class ControllerMetrics {
  readonly reconciles = new Counter('istream_reconciles_total', 'Reconciles run, by queue and result.');
  readonly reconcileErrors = new Counter(
    'istream_reconcile_errors_total',
    'Reconciles that failed and were retried, by queue.',
  );
  readonly triggerUpdates = new Counter(
    'istream_trigger_updates_total',
    'Workload writes made by image-change triggers, by kind.',
  );
  readonly imports = new Counter(
    'istream_imports_total',
    'Image stream tag imports, by kind (spec, scheduled, repository, or event: a registry event named the tag) and result.',
  );
  /** From the stream change the controller saw to the workload write that followed it. */
  readonly triggerLatency = new Histogram(
    'istream_trigger_latency_seconds',
    'Seconds from an image stream change being observed to the triggered workload being written.',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly admissionReviews = new Counter(
    'istream_admission_reviews_total',
    'AdmissionReviews answered, by webhook (image-lookup, imagestream-strategy) and outcome (patched, allowed, refused).',
  );
  /** The admission server's own share of an admission: from the request arriving to the answer written. */
  readonly admissionDuration = new Histogram(
    'istream_admission_duration_seconds',
    'Seconds the admission server took to answer an AdmissionReview.',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  );
  /** Which replica acts: alerting on `sum(istream_leader) != 1` finds a split or a leaderless controller. */
  readonly leader = new Gauge(
    'istream_leader',
    '1 while this replica holds the leader lease and runs the controllers, else 0.',
  );

  /** Every registry request of the imports (HEAD and GET of manifests, blobs and tag lists; tokens), by registry host. */
  readonly registryRequests = new Counter(
    'istream_registry_requests_total',
    'Requests made to registries, by registry host and request (head, get, token, or failed: no answer arrived).',
  );
  readonly registryRetries = new Counter(
    'istream_registry_request_retries_total',
    'Registry requests that were retries (after a 429, a 5xx or a dropped connection), by registry host.',
  );

  countRegistryRequests(byRegistry: Record<string, RequestCounts>): void {
    for (const [registry, counts] of Object.entries(byRegistry)) {
      for (const request of ['head', 'get', 'token', 'failed'] as const) {
        if (counts[request] > 0) this.registryRequests.inc({ registry, request }, counts[request]);
      }
      if (counts.retries > 0) this.registryRetries.inc({ registry }, counts.retries);
    }
  }

  render(): string {
    return (
      [
        this.reconciles,
        this.reconcileErrors,
        this.triggerUpdates,
        this.imports,
        this.triggerLatency,
        this.admissionReviews,
        this.admissionDuration,
        this.leader,
        this.registryRequests,
        this.registryRetries,
      ]
        .map((m) => m.render())
        .join('\n') + '\n'
    );
  }
}
