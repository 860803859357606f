// Image references as docker/distribution reads them.
//
//   parseImageReference('ubuntu')            -> { domain: 'docker.io', path: 'library/ubuntu' }
//   parseImageReference('quay.io/x/y:1@sha256:...') -> { domain, path, tag: '1', digest }
//   referenceString(ref)  'docker.io/library/ubuntu:22.04'     familiarString(ref)  'ubuntu:22.04'
//   Invalid input throws InvalidReferenceError: `invalid reference "Foo:bar": repository name must be lowercase`.
export {
  type ImageReference,
  InvalidReferenceError,
  parseImageReference,
  isImageReference,
  isValidTag,
  repositoryName,
  referenceString,
  familiarName,
  familiarString,
  withTag,
  withDigest,
  defaultDomain,
  defaultTag,
} from './reference.js';
export { type DigestAlgorithm, type ParsedDigest, digestProblem, isDigest, parseDigest } from './digest.js';
