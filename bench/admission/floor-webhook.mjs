// The Node floor of bench/admission: the least a mutating webhook written in Node costs the API
// server. node:https, one handler that reads and parses the AdmissionReview and answers one fixed
// JSON patch; no controller beside it, nothing looked up. Beside the Go floor it separates what the
// runtime costs from what istream's own server and process add.
//
// Usage: node floor-webhook.mjs ADDR CERT_FILE KEY_FILE IMAGE; prints "ready" once it accepts connections.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [address, certFile, keyFile, image] = process.argv.slice(2);
const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/spec/containers/0/image', value: image }])).toString(
  'base64',
);
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const body = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: review.request.uid, allowed: true, patchType: 'JSONPatch', patch },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
server.listen(port, host, () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => server.close());
