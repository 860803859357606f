// What each field of the triggers annotation and of an ImageStream's import and lookup policies
// means, for hovers and completion items. Said as OpenShift behaves, with the trap each one hides.
import { TRIGGERABLE_KINDS } from '../workloads/index.js';
import { ruleHelpUri } from './rules.js';

/** Each pod spec path a triggerable kind has, with its kinds: `spec.template.spec` (Deployment, ...). */
const POD_SPEC_PATHS = [...new Set(TRIGGERABLE_KINDS.map((k) => k.podSpecFieldPath))]
  .map(
    (path) =>
      `\`${path}\` (${TRIGGERABLE_KINDS.filter((k) => k.podSpecFieldPath === path)
        .map((k) => k.kind)
        .join(', ')})`,
  )
  .join(' or ');

/** Keys of one trigger and of its `from`, by their path in the annotation's JSON. */
export const TRIGGER_FIELD_DOCS: Readonly<Record<string, string>> = {
  from: 'The image stream tag this trigger follows: `{"kind":"ImageStreamTag","name":"STREAM:TAG"}`. When the tag points to a new image, OpenShift writes its reference into `fieldPath`.',
  'from.kind': `Must be \`ImageStreamTag\`; OpenShift skips any other kind without a word ([from-kind-not-imagestreamtag](${ruleHelpUri('from-kind-not-imagestreamtag')})).`,
  'from.name': `\`STREAM:TAG\` of an ImageStream; without \`:TAG\` OpenShift skips the trigger ([from-name-missing-tag](${ruleHelpUri('from-name-missing-tag')})).`,
  'from.namespace':
    "The namespace of the ImageStream; empty means the workload's own. Reading another namespace's stream needs the right to get its ImageStreamTags.",
  'from.apiVersion': `Must be empty: OpenShift skips a trigger that sets it ([from-api-version-set](${ruleHelpUri('from-api-version-set')})).`,
  fieldPath: `The container image this trigger updates: \`POD_SPEC.containers[?(@.name=="NAME")].image\` (or \`[INDEX]\`, \`initContainers[...]\`), where POD_SPEC is the kind's pod spec, ${POD_SPEC_PATHS}. Not general JSONPath ([field-path-invalid](${ruleHelpUri('field-path-invalid')})).`,
  paused: `\`true\` stops this trigger until set back to \`false\`. A JSON boolean: \`"false"\` in quotes makes OpenShift ignore every trigger of the object ([paused-not-boolean](${ruleHelpUri('paused-not-boolean')})).`,
};

/** Fields of an ImageStream's spec, by their key path with list indexes left out. */
export const IMAGESTREAM_FIELD_DOCS: Readonly<Record<string, string>> = {
  'spec.lookupPolicy':
    "Whether pods of this namespace may name this stream's tags directly as images (`image: STREAM:TAG`).",
  'spec.lookupPolicy.local':
    "`true`: a pod, Deployment or other workload in this namespace that names `STREAM:TAG` as its image gets the tag's current image reference when it is created (image stream lookup). It does not follow later changes: that is what a trigger does.",
  'spec.tags.importPolicy': 'How this tag is imported from the image it follows (`from.kind: DockerImage`).',
  'spec.tags.importPolicy.scheduled':
    "`true`: the tag is imported again periodically (OpenShift's default: every 15 minutes), so a moved upstream tag reaches this stream and its triggers.",
  'spec.tags.importPolicy.insecure':
    '`true`: the registry may be reached over plain HTTP or with an unverified certificate. Use only for a registry you control.',
  'spec.tags.importPolicy.importMode':
    "`Legacy` (the default) imports one image: for a multi-platform index, only the one for the cluster's platform. `PreserveOriginal` keeps the whole index, every platform.",
  'spec.tags.referencePolicy': 'What reference the tag gives to pods and triggers.',
  'spec.tags.referencePolicy.type':
    "`Source` (the default): the image's own registry and digest. `Local`: the cluster's integrated registry as a pull-through for it.",
};
