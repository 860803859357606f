import { resourcePath, type KubeClient } from '../cluster/index.js';

interface SubjectAccessReviewStatus { status?: { allowed?: boolean } }

/**
 * Answers "may the service accounts of namespace A get image streams in namespace B?" with a
 * SubjectAccessReview for the group `system:serviceaccounts:A`, the subject `oc policy
 * add-role-to-group system:image-puller system:serviceaccounts:A -n B` grants. Answers are kept
 * for `ttlMs` so a resync of many workloads costs one review per namespace pair.
 */
export class StreamAccessChecker {
  private readonly answers = new Map<string, { allowed: boolean; at: number }>();

  constructor(private readonly api: KubeClient, private readonly ttlMs = 30_000) {}

  async mayRead(workloadNamespace: string, streamNamespace: string): Promise<boolean> {
    if (workloadNamespace === streamNamespace) return true;
    const key = `${workloadNamespace}\u0000${streamNamespace}`;
    const cached = this.answers.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.allowed;
    const review = await this.api.call<SubjectAccessReviewStatus>(resourcePath('authorization.k8s.io/v1', 'subjectaccessreviews'), {
      method: 'POST',
      body: {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${workloadNamespace}:default`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${workloadNamespace}`, 'system:authenticated'],
          resourceAttributes: { namespace: streamNamespace, verb: 'get', group: 'image.openshift.io', resource: 'imagestreams' },
        },
      },
    });
    const allowed = review.status?.allowed === true;
    this.answers.set(key, { allowed, at: Date.now() });
    return allowed;
  }
}
