import { goJsonString } from './go-json.js';

/** One trigger to write: what `oc set triggers` knows about it. */
export interface TriggerToWrite {
  /** `STREAM:TAG`. */
  name: string;
  /** The stream's namespace; left out of the annotation when it is the object's own. */
  namespace?: string;
  fieldPath: string;
  paused?: boolean;
}

/**
 * The annotation value exactly as `oc set triggers` writes it (Go's json.Marshal of library-go's
 * ObjectFieldTrigger): keys in the order from{kind,name,namespace}, fieldPath, paused; `namespace`
 * only when it differs from `objectNamespace`; `paused` only when true; `<`, `>`, `&` escaped as
 * \u003c, \u003e, \u0026. No triggers gives `null`, as oc's nil slice does.
 */
export function formatTriggers(triggers: readonly TriggerToWrite[], objectNamespace?: string): string {
  if (triggers.length === 0) return 'null';
  const entries = triggers.map((t) => {
    const namespace = t.namespace && t.namespace !== objectNamespace ? `,"namespace":${goJsonString(t.namespace)}` : '';
    const paused = t.paused ? ',"paused":true' : '';
    return `{"from":{"kind":"ImageStreamTag","name":${goJsonString(t.name)}${namespace}},"fieldPath":${goJsonString(t.fieldPath)}${paused}}`;
  });
  return `[${entries.join(',')}]`;
}
