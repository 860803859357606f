// admission.k8s.io/v1 AdmissionReview as the API server sends it to a webhook and reads the answer.
import type { KubeObject } from '../cluster/index.js';

export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  namespace?: string;
  name?: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun?: boolean;
}

export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  patchType?: 'JSONPatch';
  patch?: string;
}

/** The answer: allowed with an optional JSON patch, or refused with a message the user sees. */
export function reviewResponse(
  uid: string,
  answer: { allowed: true; patch: JsonPatchOperation[] } | { allowed: false; message: string; code?: number },
): AdmissionReview {
  const response: AdmissionResponse = answer.allowed
    ? {
        uid,
        allowed: true,
        ...(answer.patch.length > 0 ? { patchType: 'JSONPatch', patch: base64(JSON.stringify(answer.patch)) } : {}),
      }
    : { uid, allowed: false, status: { code: answer.code ?? 403, message: answer.message } };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/**
 * Base64 of the UTF-8 bytes of `text`. btoa costs a fraction of a Buffer round trip on the server's
 * cold path (bench/admission), but it encodes each character as one byte: only right when every
 * character is ASCII, as the image references in a patch are.
 */
function base64(text: string): string {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return Buffer.from(text).toString('base64');
  return btoa(text);
}
