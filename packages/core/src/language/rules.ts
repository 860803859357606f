import { TRIGGERABLE_KINDS, triggerableKindList } from '../workloads/index.js';
import type { Severity } from './types.js';

/** Every rule the linter reports: the catalog SARIF output and documentation are built from. */
export interface Rule {
  code: string;
  severity: Severity;
  description: string;
}

/** An example of a path outside the pod template: two triggerable kinds whose pod templates differ. */
const OTHER_KINDS_PATH = ((): string => {
  const [usual, ...rest] = TRIGGERABLE_KINDS;
  const other = rest.find((k) => k.podSpecFieldPath !== usual!.podSpecFieldPath);
  return `e.g. a ${other!.kind} path on a ${usual!.kind}`;
})();

export const RULES: readonly Rule[] = [
  { code: 'yaml-syntax', severity: 'error', description: 'The file is not valid YAML, so kubectl cannot apply it.' },
  {
    code: 'yaml-alias-limit',
    severity: 'error',
    description: 'A document expands more aliases than a YAML reader allows (an alias bomb).',
  },
  {
    code: 'not-text',
    severity: 'error',
    description: 'The file contains NUL bytes: it is binary, not a YAML manifest.',
  },
  { code: 'internal-error', severity: 'error', description: 'The linter failed on this file; a bug to report.' },
  { code: 'file-too-large', severity: 'error', description: 'The file is larger than the linter reads.' },
  {
    code: 'triggers-not-string',
    severity: 'error',
    description: 'The triggers annotation must be a string holding JSON; annotations are strings.',
  },
  // The codes of core/triggers, which reads the annotation exactly as OpenShift does.
  {
    code: 'invalid-json',
    severity: 'error',
    description: 'The triggers annotation is not valid JSON; OpenShift ignores every trigger of the object.',
  },
  { code: 'not-an-array', severity: 'error', description: 'The triggers annotation must be a JSON array of triggers.' },
  {
    code: 'trigger-not-an-object',
    severity: 'error',
    description: 'Each trigger must be a JSON object with "from" and "fieldPath".',
  },
  {
    code: 'wrong-type',
    severity: 'error',
    description: 'A trigger field has the wrong JSON type; OpenShift ignores every trigger of the object.',
  },
  {
    code: 'paused-not-boolean',
    severity: 'error',
    description: '"paused" must be a JSON boolean; a string makes OpenShift ignore every trigger of the object.',
  },
  {
    code: 'duplicate-field-path',
    severity: 'error',
    description: 'Two triggers update the same fieldPath; OpenShift rejects the annotation.',
  },
  {
    code: 'unknown-key',
    severity: 'warning',
    description: 'A key OpenShift does not read (e.g. "pause" for "paused") is silently ignored.',
  },
  {
    code: 'non-canonical-key',
    severity: 'warning',
    description: 'A key spelled in another case: OpenShift accepts it, other tools do not.',
  },
  {
    code: 'from-kind-not-imagestreamtag',
    severity: 'error',
    description: 'from.kind must be "ImageStreamTag"; OpenShift skips any other kind silently.',
  },
  {
    code: 'from-api-version-set',
    severity: 'error',
    description: 'from.apiVersion must be empty; OpenShift skips a trigger that sets it.',
  },
  {
    code: 'from-name-missing-tag',
    severity: 'error',
    description: 'from.name must be STREAM:TAG; without ":tag" OpenShift skips the trigger.',
  },
  {
    code: 'field-path-missing',
    severity: 'error',
    description: 'A trigger needs a "fieldPath" naming the container image it updates.',
  },
  {
    code: 'field-path-outside-template',
    severity: 'error',
    description: `The fieldPath is outside this kind's pod template (${OTHER_KINDS_PATH}), so OpenShift skips it.`,
  },
  {
    code: 'field-path-invalid',
    severity: 'error',
    description: 'OpenShift parses only containers[INDEX] or containers[?(@.name=="NAME")] followed by .image.',
  },
  {
    code: 'field-path-loose-selector',
    severity: 'warning',
    description:
      'OpenShift takes a container name from a selector with only the ?(@.name==" prefix or the ") suffix; other tools do not.',
  },
  {
    code: 'container-not-found',
    severity: 'error',
    description: 'The fieldPath names a container that is not in the pod spec.',
  },
  {
    code: 'image-lookup-disabled',
    severity: 'warning',
    description:
      'A single-segment image names an ImageStream without lookupPolicy.local: true, so the node pulls it from Docker Hub instead.',
  },
  {
    code: 'unsupported-kind',
    severity: 'warning',
    description: `OpenShift never triggers this kind; only ${triggerableKindList()}.`,
  },
];

const BY_CODE = new Map(RULES.map((r) => [r.code, r]));

/** Where each rule's page is: docs/rules/<code>.md of the repository. */
export const RULE_DOCS_URL = 'https://github.com/istream/istream/blob/main/docs/rules/';

/** The page explaining a rule, as SARIF's helpUri and the editor's diagnostic code link. */
export function ruleHelpUri(code: string): string {
  return `${RULE_DOCS_URL}${code}.md`;
}

export function ruleSeverity(code: string): Severity {
  return BY_CODE.get(code)?.severity ?? 'error';
}
