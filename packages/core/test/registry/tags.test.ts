// Link paging of tags/list. Distribution 2.8 (the harness registry) ignores `n`/`last` and never
// sends a Link header (fixed only in v3), so these pages come from a node:http server that pages
// itself with opaque next-page tokens, as Quay does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient, nextLink } from '@istream/core/registry';
import { serveFake } from './fake-server.js';
import { defer } from '@istream/test-harness';

const pages: Record<string, { tags: string[]; next?: string }> = {
  start: { tags: ['a', 'b'], next: '/v2/team/app/tags/list?next_page=opaque%3D1' },
  'opaque=1': { tags: ['c', 'd'], next: 'list?next_page=opaque%3D2' }, // relative to the page's own URL
  'opaque=2': { tags: ['e'] },
};

async function pagedServer(overrides: Partial<typeof pages> = {}) {
  const book = { ...pages, ...overrides };
  return serveFake((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = book[url.searchParams.get('next_page') ?? 'start'];
    if (!page || url.searchParams.has('last') || url.searchParams.has('n')) {
      res.writeHead(400).end('istream must follow Link, not build last= or n=');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(page.next ? { link: `<${page.next}>; rel="next"` } : {}),
    });
    res.end(JSON.stringify({ name: 'team/app', tags: page.tags }));
  });
}

test('follows rel="next" exactly as given until the last page', async (t) => {
  const server = await pagedServer();
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true });
  defer(t, () => client.close());
  assert.deepEqual(await client.listTags(`${server.host}/team/app`), {
    tags: ['a', 'b', 'c', 'd', 'e'],
    truncated: false,
  });
  assert.deepEqual(
    server.requests.filter((r) => r.startsWith('GET')),
    [
      'GET /v2/team/app/tags/list',
      'GET /v2/team/app/tags/list?next_page=opaque%3D1',
      'GET /v2/team/app/tags/list?next_page=opaque%3D2',
    ],
  );
});

test('stops at maxTags and says the list was cut', async (t) => {
  const server = await pagedServer();
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true });
  defer(t, () => client.close());
  assert.deepEqual(await client.listTags(`${server.host}/team/app`, { maxTags: 3 }), {
    tags: ['a', 'b', 'c'],
    truncated: true,
  });
  assert.equal(server.requests.filter((r) => r.startsWith('GET')).length, 2, 'no page beyond the cap is read');
});

test('refuses a Link that loops or leaves the registry', async (t) => {
  const looping = await pagedServer({
    'opaque=2': { tags: ['e'], next: '/v2/team/app/tags/list?next_page=opaque%3D1' },
  });
  defer(t, () => looping.close());
  const elsewhere = await pagedServer({
    'opaque=1': { tags: ['c'], next: 'http://other.example.com/v2/team/app/tags/list' },
  });
  defer(t, () => elsewhere.close());
  const client = new RegistryClient({ insecure: true });
  defer(t, () => client.close());
  await assert.rejects(client.listTags(`${looping.host}/team/app`), /points back to a page already read/);
  await assert.rejects(
    client.listTags(`${elsewhere.host}/team/app`),
    /the next page is on another host \(http:\/\/other\.example\.com\)/,
  );
});

test('nextLink reads rel="next" among several links', () => {
  const base = 'https://quay.io/v2/x/tags/list';
  assert.equal(
    nextLink('<https://quay.io/v2/x/tags/list?next_page=abc>; rel="next"', base)?.href,
    'https://quay.io/v2/x/tags/list?next_page=abc',
  );
  assert.equal(
    nextLink('</v2/x/tags/list?n=2&last=b>; rel="prev", </v2/x/tags/list?n=2&last=d>; rel=next', base)?.href,
    'https://quay.io/v2/x/tags/list?n=2&last=d',
  );
  assert.equal(nextLink('</a>; rel="prev"', base), undefined);
  assert.equal(nextLink(null, base), undefined);
});
