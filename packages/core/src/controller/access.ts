import { resourcePath, type KubeClient } from '../cluster/index.js';

interface SubjectAccessReviewStatus {
  status?: { allowed?: boolean };
}

/**
 * Answers "may the service accounts of namespace A pull from image streams in namespace B?" with a
 * SubjectAccessReview for `get imagestreams/layers` (what OpenShift checks before it lets a tag copy
 * another namespace's image, and what `system:image-puller` grants) by the group
 * `system:serviceaccounts:A`, the subject `oc policy add-role-to-group system:image-puller
 * system:serviceaccounts:A -n B` grants.
 *
 * Every decision asks the apiserver afresh: a cached "allowed" would let a revoked grant keep
 * rolling workloads until it expired, and the apiserver answers a review from its own RBAC cache
 * without touching etcd, so a review per cross-namespace reconcile is cheap. Same-namespace
 * triggers, nearly all of them, never ask.
 */
export class StreamAccessChecker {
  constructor(private readonly api: KubeClient) {}

  async mayRead(workloadNamespace: string, streamNamespace: string): Promise<boolean> {
    if (workloadNamespace === streamNamespace) return true;
    const review = await this.api.call<SubjectAccessReviewStatus>(
      resourcePath('authorization.k8s.io/v1', 'subjectaccessreviews'),
      {
        method: 'POST',
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: `system:serviceaccount:${workloadNamespace}:default`,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${workloadNamespace}`, 'system:authenticated'],
            resourceAttributes: {
              namespace: streamNamespace,
              verb: 'get',
              group: 'image.openshift.io',
              resource: 'imagestreams',
              subresource: 'layers',
            },
          },
        },
      },
    );
    return review.status?.allowed === true;
  }
}
