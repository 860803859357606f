/** metav1.Time as Kubernetes writes it: RFC 3339 in UTC with whole seconds. */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
