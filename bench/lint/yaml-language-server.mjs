// Drives yaml-language-server as an editor would: an LSP server over stdio.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

export async function startYamlLanguageServer() {
  const bin = require.resolve('yaml-language-server/bin/yaml-language-server');
  const child = spawn(process.execPath, [bin, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();

  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      buffer = buffer.subarray(headerEnd + 4 + length);
      if (message.id !== undefined && pending.has(message.id) && !message.method) {
        pending.get(message.id)(message);
        pending.delete(message.id);
      } else if (message.id !== undefined && message.method) {
        // A request from the server (configuration, registrations): answer with nothing.
        send({
          jsonrpc: '2.0',
          id: message.id,
          result: message.method === 'workspace/configuration' ? message.params.items.map(() => null) : null,
        });
      } else {
        for (const l of listeners) l(message);
      }
    }
  });

  function send(message) {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    child.stdin.write(body);
  }
  const request = (method, params) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      send({ jsonrpc: '2.0', id, method, params });
    });
  const notify = (method, params) => send({ jsonrpc: '2.0', method, params });

  await request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  notify('initialized', {});
  notify('workspace/didChangeConfiguration', {
    settings: {
      yaml: {
        validate: true,
        hover: false,
        completion: false,
        format: { enable: false },
        schemaStore: { enable: false },
        schemas: {},
        maxItemsComputed: 5000,
      },
    },
  });

  return {
    /** Opens a document and resolves with its diagnostics and the milliseconds until they came. */
    validate(uri, text) {
      return new Promise((resolve) => {
        const start = performance.now();
        const onMessage = (m) => {
          if (m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri) {
            listeners.delete(onMessage);
            resolve({ ms: performance.now() - start, diagnostics: m.params.diagnostics });
          }
        };
        listeners.add(onMessage);
        notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      });
    },
    async stop() {
      await request('shutdown', null);
      notify('exit', null);
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
