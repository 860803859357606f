/**
 * What `set-triggers` writes to one workload: the trigger annotation and, for a Deployment, whether
 * it is paused (oc's config trigger). Computed from the trigger definition, written by a patch or
 * spliced into a manifest file.
 */
export interface Edit {
  annotation: string;
  paused: boolean | undefined;
}
