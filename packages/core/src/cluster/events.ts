// Reading the Events recorded about an object (what `kubectl describe` shows at its end).
import { kubeClient } from './client.js';
import type { ClusterConnection } from './kubeconfig.js';
import type { KubeList } from './object.js';
import { resourcePath } from './paths.js';

export interface KubeEvent {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  metadata?: { creationTimestamp?: string };
}

/** The core/v1 Events in `namespace` whose involved object is named `name`. */
export async function eventsAbout(
  connection: ClusterConnection,
  namespace: string,
  name: string,
): Promise<KubeEvent[]> {
  const list = await kubeClient(connection).call<KubeList<KubeEvent>>(resourcePath('v1', 'events', namespace), {
    query: { fieldSelector: `involvedObject.name=${name}` },
  });
  return list.items;
}
