/** One HTTP request to the Kubernetes API as it finished, for `-v=6`-style request logging. */
export interface KubeRequestEvent {
  method: string;
  url: string;
  /** Undefined when no answer came (connection refused, timeout). */
  status: number | undefined;
  durationMs: number;
}
