import { sign } from 'node:crypto';

export interface JwtSigner {
  /** PKCS#8 PEM of a P-256 key. */
  keyPem: string;
  /** Certificate chain, leaf first, each DER in base64 (the JWS `x5c` header). */
  x5c: string[];
}

/** A compact JWS signed ES256; the signature is raw r||s as JWS requires, not DER. */
export function signJwtEs256(claims: Record<string, unknown>, signer: JwtSigner): string {
  const header = { typ: 'JWT', alg: 'ES256', x5c: signer.x5c };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: signer.keyPem, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${base64url(signature)}`;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}
