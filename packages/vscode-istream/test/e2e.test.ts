// The packaged extension in a real VS Code (code-server 4.100.3) driven through chromium: what a
// user sees for the trigger mistakes, the quick fix, completion, hover against a real registry and
// the shared cluster (also while either is unreachable), the commands, and a 1 MB annotation.
// Screenshots of each step go to test-results/vscode/; those the README shows have its images' names.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createLanguageService } from '@istream/core/language';
import { defer, pushFixtures, startEditor, startRegistry } from '@istream/test-harness';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import { clusterStreamsFixture } from './cluster-streams-fixture.js';
import { cuttableLink } from './cuttable-link.js';
import { packageExtension, packageProbe } from './packaging.js';
import { readProbe, waitForProbe, type ProbeDiagnostic } from './probe.js';
import {
  chooseCodeAction,
  closeWidgets,
  codeActionTitles,
  escapeRegExp,
  goTo,
  openSuggestions,
  hoverBlocks,
  hoverText,
  openCodeActions,
  pickQuickItem,
  problems,
  runCommand,
  squiggles,
  statusBarEntry,
  suggestionRows,
  suggestions,
  visibleText,
  waitForText,
} from './workbench.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const corpus = join(repoRoot, 'packages/core/test/fixtures/manifests');
const kubectlIstream = join(repoRoot, 'packages/kubectl-istream/bin/kubectl-istream');
const screenshotDir = join(repoRoot, 'test-results/vscode');

function positionOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `the fixture contains ${needle}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: (before.at(-1) ?? '').length };
}

/** `kubectl istream lint -o json FILE` in the editor's terms: 0-based ranges. */
async function lintJson(file: string): Promise<ProbeDiagnostic[]> {
  const { stdout } = await run(process.execPath, [kubectlIstream, 'lint', '-o', 'json', file]).catch(
    (err: { stdout?: string }) => {
      if (typeof err.stdout === 'string' && err.stdout.startsWith('[')) return { stdout: err.stdout }; // exit 1: errors found
      throw err;
    },
  );
  const entries = JSON.parse(stdout) as Array<{
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    severity: string;
    code: string;
    message: string;
  }>;
  return entries.map((e) => ({
    code: e.code,
    severity: e.severity,
    message: e.message,
    range: {
      start: { line: e.line - 1, character: e.column - 1 },
      end: { line: e.endLine - 1, character: e.endColumn - 1 },
    },
  }));
}

const deploymentWithContainers = (annotation: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  annotations:
    image.openshift.io/triggers: '${annotation}'
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: shop-migrate:latest
      containers:
      - name: web
        image: shop-web:latest
      - name: cache
        image: redis:7
`;

test(
  'vscode-istream in code-server: diagnostics, quick fix, completion, hover, commands, failing sources, a 1 MB annotation',
  { timeout: 15 * 60_000 },
  async (t) => {
    const log = (line: string): void => t.diagnostic(line);
    const work = await mkdtemp(join(tmpdir(), 'istream-vscode-e2e-'));
    defer(t, () => rm(work, { recursive: true, force: true }));
    const workspace = join(work, 'workspace');
    await run('mkdir', ['-p', workspace]);

    let started = Date.now();
    const [vsix, probeVsix] = await Promise.all([packageExtension(), packageProbe(work)]);
    log(`packaged the extension and the probe in ${Date.now() - started} ms`);

    const registry = await startRegistry({ mode: 'plain' });
    defer(t, () => registry.stop());
    const fixtures = await pushFixtures(registry);
    const imageRef = fixtures.reference(fixtures.dockerSchema2);

    const pausedFile = join(workspace, 'paused-string.yaml');
    await copyFile(join(corpus, 'paused-string.yaml'), pausedFile);
    const completionFile = join(workspace, 'complete-fieldpath.yaml');
    const completionText = deploymentWithContainers(
      '[{"from":{"kind":"ImageStreamTag","name":"shop:latest"},"fieldPath":""}]',
    );
    await writeFile(completionFile, completionText);
    // An ImageStream in another file of the workspace: its tag is offered inside from.name.
    await run('mkdir', ['-p', join(workspace, 'streams')]);
    await writeFile(
      join(workspace, 'streams/shop-api.yaml'),
      'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: shop-api\nspec:\n  tags:\n  - name: v2\n',
    );
    const fromNameFile = join(workspace, 'complete-from-name.yaml');
    const fromNameText = deploymentWithContainers(
      '[{"from":{"kind":"ImageStreamTag","name":""},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]',
    );
    await writeFile(fromNameFile, fromNameText);
    const hoverFile = join(workspace, 'hover-image.yaml');
    const hoverText_ = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ${imageRef}\n`;
    await writeFile(hoverFile, hoverText_);
    const pinFile = join(workspace, 'pin-images.yaml');
    const otherRef = fixtures.reference(fixtures.ociIndex);
    const pinText = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pin\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ${imageRef}\n      - name: side\n        image: ${otherRef}\n`;
    await writeFile(pinFile, pinText);
    // Never opened: only "lint the workspace" can put its problem in the Problems panel.
    const unopenedFile = join(workspace, 'unopened/broken.yaml');
    await run('mkdir', ['-p', join(workspace, 'unopened')]);
    await copyFile(join(corpus, 'paused-string.yaml'), unopenedFile);
    // Four mistakes in one annotation (defect 7), one on a container whose trigger is broken (defect 3).
    const mistakesFile = join(workspace, 'mistakes.yaml');
    const mistakesText = deploymentWithContainers(
      '[{"from":{"kind":"ImageStreamTag","name":"shop-web"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image","paused":"false"},' +
        '{"from":{"kind":"DockerImage","name":"redis:7"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"nope\\")].image"}]',
    );
    await writeFile(mistakesFile, mistakesText);
    // A chart's template and a kustomize patch (defect 5): only the real mistake is reported.
    const chartFile = join(workspace, 'chart/templates/deployment.yaml');
    await run('mkdir', ['-p', join(workspace, 'chart/templates')]);
    await writeFile(
      chartFile,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  labels:
    {{- include "shop.labels" . | nindent 4 }}
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image","paused":"false"}]'
spec:
{{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
{{- end }}
  template:
    spec:
      containers:
      - name: web
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
---
# overlays/prod/patch.yaml as kustomize reads it: no pod spec, the containers are the base's.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"web:prod"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
`,
    );
    const keysFile = join(workspace, 'annotation-keys.yaml');
    const keysText = deploymentWithContainers('[{"from":{"kind":"ImageStreamTag","name":"shop:latest"},""}]');
    await writeFile(keysFile, keysText);
    // A registry that accepts connections and never answers: lookups there run into their deadline.
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      held.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    defer(
      t,
      () =>
        new Promise<void>((resolve) => {
          for (const socket of held) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const slowImage = `127.0.0.1:${(silent.address() as AddressInfo).port}/slow/app:1`;
    const slowFile = join(workspace, 'slow-registry.yaml');
    const slowText = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: slow\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ${slowImage}\n`;
    await writeFile(slowFile, slowText);
    const bigFile = join(workspace, 'big-annotation.yaml');
    await writeFile(bigFile, bigAnnotationManifest());

    // The same plain-HTTP registry under a host name not in istream.registry.insecureHosts (defect 4).
    const untrustedImage = `localhost:${new URL(`http://${registry.host}`).port}/docker/schema2:1.0`;
    const untrustedFile = join(workspace, 'untrusted-host.yaml');
    const untrustedText = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: untrusted\nspec:\n  containers:\n  - name: app\n    image: ${untrustedImage}\n`;
    await writeFile(untrustedFile, untrustedText);
    // The registry and the kube context's API server behind paths this test cuts and restores
    // (defect 6): both down when the editor starts. The kube context's namespace holds app:v1.
    const registryLink = await cuttableLink(registry.host, { up: false });
    defer(t, () => registryLink.cut());
    const apiServerLink = await cuttableLink(new URL((await sharedCluster()).server).host, { up: false });
    defer(t, () => apiServerLink.cut());
    const clusterStreams = await clusterStreamsFixture(work, `https://${apiServerLink.host}`);
    defer(t, () => clusterStreams.remove());
    const sourcesImage = `${registryLink.host}/docker/schema2:1.0`;
    const sourcesFile = join(workspace, 'failing-sources.yaml');
    const sourcesText = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:v1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'
spec:
  template:
    spec:
      containers:
      - name: web
        image: ${sourcesImage}
`;
    await writeFile(sourcesFile, sourcesText);

    const probeOut = join(work, 'probe.json');
    started = Date.now();
    const editor = await startEditor({
      vsix: [probeVsix, vsix],
      workspace,
      screenshotDir,
      settings: { 'istream.registry.insecureHosts': [registry.host, registryLink.host] },
      env: { ISTREAM_PROBE_OUT: probeOut, KUBECONFIG: clusterStreams.kubeconfig },
      log,
    });
    defer(t, () => editor.stop());
    log(`editor up in ${Date.now() - started} ms`);
    const { page } = editor;
    /**
     * Opens a file through Quick Open; once more if its tab did not come up: on the loaded machine
     * Quick Open now and then opens nothing for a file already open in a tab (the screenshot says what was shown).
     */
    const open = async (file: string): Promise<void> => {
      try {
        await editor.openFile(file);
      } catch (err) {
        log(
          `opening ${file} again: ${(err as Error).message.split('\n')[0]}; see ${await editor.screenshot('open-again')}`,
        );
        await closeWidgets(page);
        await editor.openFile(file);
      }
    };

    /** The hover of the failing-sources file's image once it has a `Cluster:` line, saved as a screenshot. */
    const hoverSourcesImage = async (screenshot: string): Promise<string> => {
      await open(sourcesFile);
      const at = positionOf(sourcesText, sourcesImage);
      await goTo(page, { line: at.line, character: at.character + 3 });
      const text = await hoverText(page, /Cluster: /);
      await editor.screenshot(screenshot);
      await closeWidgets(page);
      return text;
    };

    await t.test(
      '"paused":"false" is flagged on that text, with its message, as kubectl istream lint reports it',
      async () => {
        const text = await readFile(pausedFile, 'utf8');
        await open(pausedFile);
        const opened = Date.now();
        await squiggles(page).first().waitFor({ timeout: 60_000 });
        log(`first diagnostic shown ${Date.now() - opened} ms after the file opened`);
        const afterActivation = await firstDiagnosticsAfterActivation(editor);
        log(`first diagnostic ${afterActivation} ms after the extension activated`);
        // Issue 13 measured 2.7-5.7 s, most of it loading the Kubernetes client; now nothing waits for it.
        assert.ok(afterActivation < 2000, `the first diagnostic came ${afterActivation} ms after activation`);

        const fromEditor = await waitForProbe(probeOut, (p) => (p.diagnostics[pausedFile]?.length ?? 0) > 0);
        const shown = fromEditor.diagnostics[pausedFile] ?? [];
        assert.deepEqual(
          shown,
          await lintJson(pausedFile),
          'the editor and kubectl istream lint -o json agree on codes, ranges and messages',
        );
        const paused = shown.find((d) => d.code === 'paused-not-boolean');
        assert.ok(paused, 'paused-not-boolean is reported');
        const line = text.split('\n')[paused.range.start.line] ?? '';
        assert.equal(line.slice(paused.range.start.character, paused.range.end.character), '"false"');

        const rows = await problems(page);
        const row = rows.find((r) => r.label.includes('paused-not-boolean') || r.text.includes('paused-not-boolean'));
        assert.ok(row, `the Problems panel lists paused-not-boolean: ${JSON.stringify(rows)}`);
        assert.ok(row.text.includes(paused.message), `the Problems panel shows the message: ${row.text}`);
        assert.ok(
          row.text.includes(`[Ln ${paused.range.start.line + 1}, Col ${paused.range.start.character + 1}]`),
          row.text,
        );
        await goTo(page, paused.range.start); // scrolls the squiggle into view for the screenshot
        await editor.screenshot('diagnostic');
      },
    );

    await t.test('the quick fix makes "paused" a boolean and the diagnostic goes', async () => {
      const before = (await readProbe(probeOut)).diagnostics[pausedFile] ?? [];
      const paused = before.find((d) => d.code === 'paused-not-boolean');
      assert.ok(paused);
      await goTo(page, paused.range.start);
      const titles = await openCodeActions(page);
      const fix = titles.find((title) => /paused/i.test(title));
      assert.ok(fix, `a quick fix for "paused" is offered: ${JSON.stringify(titles)}`);
      await editor.screenshot('quick-fix');
      await chooseCodeAction(page, fix);

      await squiggles(page).first().waitFor({ state: 'detached', timeout: 30_000 });
      const text = await visibleText(page);
      assert.ok(text.includes('"paused":false}'), `the text now reads "paused":false: ${text}`);
      assert.ok(!text.includes('"paused":"false"'));
      const after = await waitForProbe(probeOut, (p) => (p.diagnostics[pausedFile] ?? []).length === 0);
      assert.deepEqual(after.diagnostics[pausedFile] ?? [], []);
      await editor.screenshot('quick-fix-applied');
    });

    await t.test(
      'every mistake of an annotation is shown at once; "Add trigger" is not offered over a broken trigger',
      async () => {
        await open(mistakesFile);
        const shown = await waitForProbe(probeOut, (p) => (p.diagnostics[mistakesFile]?.length ?? 0) > 0);
        const expected = await lintJson(mistakesFile);
        assert.deepEqual(shown.diagnostics[mistakesFile], expected);
        assert.deepEqual(expected.map((d) => d.code).sort(), [
          'container-not-found',
          'from-kind-not-imagestreamtag',
          'from-name-missing-tag',
          'paused-not-boolean',
        ]);
        await squiggles(page).nth(3).waitFor({ timeout: 30_000 });
        await editor.screenshot('every-mistake');

        await goTo(page, positionOf(mistakesText, 'shop-web:latest'));
        const titles = await codeActionTitles(page);
        assert.ok(
          !titles.some((title) => title.startsWith('Add image-stream trigger')),
          `no second trigger for container web: ${JSON.stringify(titles)}`,
        );
      },
    );

    await t.test("a Helm template's {{ }} lines and a kustomize patch without a pod spec are not flagged", async () => {
      await open(chartFile);
      const shown = await waitForProbe(probeOut, (p) => (p.diagnostics[chartFile]?.length ?? 0) > 0);
      assert.deepEqual(
        shown.diagnostics[chartFile]?.map((d) => d.code),
        ['paused-not-boolean'],
        'only the real mistake; no YAML syntax error, no "containers: none"',
      );
      assert.deepEqual(shown.diagnostics[chartFile], await lintJson(chartFile));
      await editor.screenshot('helm-and-kustomize');
    });

    await t.test('completion inside fieldPath lists the path of every container', async () => {
      await open(completionFile);
      const inside = positionOf(completionText, '"fieldPath":""');
      const cursor = { line: inside.line, character: inside.character + '"fieldPath":"'.length };
      const expected = await createLanguageService().complete(completionText, cursor);
      for (const name of ['web', 'cache', 'migrate']) {
        assert.ok(
          expected.some((item) => item.labelDescription?.includes(`"${name}"`)),
          `the language service offers a path for container ${name}: ${JSON.stringify(expected.map((i) => i.labelDescription))}`,
        );
      }
      await goTo(page, cursor);
      const labels = await suggestions(page);
      await editor.screenshot('fieldpath-completion-every-container');
      await closeWidgets(page);
      for (const item of expected) {
        assert.ok(
          labels.some((label) => label.startsWith(item.label)),
          `VS Code lists ${item.label}: ${JSON.stringify(labels)}`,
        );
      }
    });

    await t.test(
      "fieldPath completion shows each container's whole name in the service's order; typing a name and Enter takes its name form",
      async () => {
        const inside = positionOf(completionText, '"fieldPath":""');
        const cursor = { line: inside.line, character: inside.character + '"fieldPath":"'.length };
        await goTo(page, cursor);
        await openSuggestions(page);
        const rows = await suggestionRows(page);
        await editor.screenshot('fieldpath-completion');
        // Names first (containers, then init containers), then the index forms: not alphabetical.
        assert.deepEqual(
          rows.map((r) => [r.label, r.detail.trim()]),
          [
            ['web', ''],
            ['cache', ''],
            ['migrate', 'init'],
            ['web', '[0]'],
            ['cache', '[1]'],
            ['migrate', 'init [0]'],
          ],
          JSON.stringify(rows),
        );
        assert.ok(
          rows.every((r) => r.labelVisible),
          `every container name is drawn whole: ${JSON.stringify(rows)}`,
        );
        assert.equal(rows[1]?.description, 'containers[?(@.name=="cache")]');

        await page.keyboard.type('cach');
        await page.waitForTimeout(300);
        const filtered = await suggestionRows(page);
        await editor.screenshot('fieldpath-completion-typed');
        assert.deepEqual(
          filtered[0] && [filtered[0].label, filtered[0].detail.trim()],
          ['cache', ''],
          JSON.stringify(filtered),
        );
        await page.keyboard.press('Enter');
        await page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'hidden', timeout: 30_000 });
        // The list closes before the accepted item's text is drawn; on a loaded machine a frame or more later.
        await waitForText(
          page,
          (text) => text.includes('"fieldPath":"spec.template.spec.containers[?(@.name==\\"cache\\")].image"'),
          10_000,
        );
        await page.keyboard.press('Control+Z');
      },
    );

    await t.test('completion inside from.name lists a stream tag declared in another workspace file', async () => {
      await open(fromNameFile);
      const inside = positionOf(fromNameText, '"name":""');
      await goTo(page, { line: inside.line, character: inside.character + '"name":"'.length });
      const labels = await suggestions(page);
      await editor.screenshot('from-name-completion');
      await closeWidgets(page);
      assert.ok(
        labels.some((label) => label.startsWith('shop-api:v2')),
        `VS Code lists shop-api:v2 from streams/shop-api.yaml: ${JSON.stringify(labels)}`,
      );
    });

    await t.test('completion offers the keys a trigger lacks; hover explains a key of the annotation', async () => {
      await open(keysFile);
      const slot = positionOf(keysText, '},""}');
      await goTo(page, { line: slot.line, character: slot.character + 3 });
      await openSuggestions(page);
      const rows = await suggestionRows(page);
      await editor.screenshot('annotation-key-completion');
      await closeWidgets(page);
      assert.deepEqual(
        rows.map((r) => r.label),
        ['fieldPath', 'paused'],
      );

      await open(mistakesFile);
      const paused = positionOf(mistakesText, '"paused"');
      await goTo(page, { line: paused.line, character: paused.character + 2 });
      const shown = await hoverText(page, 'stops this trigger');
      await editor.screenshot('annotation-key-hover');
      await closeWidgets(page);
      assert.match(shown, /paused\s+true stops this trigger until set back to false/);
    });

    await t.test(
      'a plain-HTTP registry under a host not in the setting: the hover names istream.registry.insecureHosts, not --insecure',
      async () => {
        await open(untrustedFile);
        const at = positionOf(untrustedText, untrustedImage);
        await goTo(page, { line: at.line, character: at.character + 3 });
        const host = untrustedImage.split('/')[0]!;
        const shown = await hoverText(page, 'istream.registry.insecureHosts');
        await editor.screenshot('setting-in-message');
        await closeWidgets(page);
        assert.ok(
          shown.includes(`add "${host}" to the istream.registry.insecureHosts setting to allow plain HTTP`),
          shown,
        );
        assert.doesNotMatch(shown, /--insecure|--kubeconfig|--context/);
      },
    );

    await t.test(
      'with the registry and the cluster unreachable the hover names both; once they are back it clears within seconds',
      async () => {
        const failed = await hoverSourcesImage('failing-sources-hover');
        assert.match(
          failed,
          new RegExp(`Registry: cannot reach registry ${escapeRegExp(registryLink.host)}: connection refused`),
        );
        // Not "not in the cluster": the cluster could not be asked.
        assert.match(failed, /The stream tag is not in this file or the workspace\./);
        assert.match(failed, new RegExp(`Cluster: .*${escapeRegExp(apiServerLink.host)}`));
        assert.doesNotMatch(failed, /or the cluster/);

        // Issue 13: failures were kept for the whole 60 s cache time. They are now kept for 5 s.
        await Promise.all([registryLink.restore(), apiServerLink.restore()]);
        const back = Date.now();
        const recovered = await hoverText(
          page,
          (text) => /Digest: sha256:[0-9a-f]{64}/.test(text) && text.includes(`@${clusterStreams.current}`),
          45_000,
        );
        const ms = Date.now() - back;
        log(`the hover showed the digest and the cluster's image ${ms} ms after registry and cluster were back`);
        await closeWidgets(page);
        assert.ok(!/Registry: |Cluster: /.test(recovered), recovered);
        assert.ok(ms < 20_000, `the errors cleared ${ms} ms after the sources came back`);
      },
    );

    await t.test(
      '"Refresh image streams" reads a stream added since the last lookup, and the kube context again',
      async () => {
        const inside = positionOf(fromNameText, '"name":""');
        const cursor = { line: inside.line, character: inside.character + '"name":"'.length };
        await open(fromNameFile);
        await goTo(page, cursor);
        await suggestions(page); // the streams are looked up, and kept for a minute
        await closeWidgets(page);
        await writeFile(
          join(workspace, 'streams/late.yaml'),
          'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: late\nspec:\n  tags:\n  - name: v1\n',
        );
        await goTo(page, cursor);
        const cached = await suggestions(page);
        await closeWidgets(page);
        assert.ok(
          !cached.some((label) => label.startsWith('late:v1')),
          `the workspace's streams are cached: ${JSON.stringify(cached)}`,
        );
        // Read while the cluster was unreachable, at the start.
        await statusBarEntry(page, 'istream: admin unreachable');
        await runCommand(page, 'istream: Refresh image streams and digests');
        await goTo(page, cursor);
        const refreshed = await suggestions(page);
        await editor.screenshot('refresh-streams');
        await closeWidgets(page);
        assert.ok(
          refreshed.some((label) => label.startsWith('late:v1')),
          `after the refresh late:v1 is offered: ${JSON.stringify(refreshed)}`,
        );
        assert.ok(
          refreshed.some((label) => label.startsWith('app:v1')),
          `the cluster's app:v1 is offered: ${JSON.stringify(refreshed)}`,
        );
        const status = await statusBarEntry(page, 'istream: admin');
        await status.hover();
        // Its tooltip: the context, the namespace and how many stream tags it holds.
        await page
          .getByText(
            new RegExp(
              escapeRegExp(
                `kube context "admin", namespace ${clusterStreams.namespace} (https://${apiServerLink.host}): 1 stream tag`,
              ) + '$',
            ),
          )
          .first()
          .waitFor({ timeout: 30_000 });
        await editor.screenshot('status-bar');
        await closeWidgets(page);
      },
    );

    await t.test('hover on an image: line shows the digest skopeo inspect reports', async () => {
      const { stdout } = await run('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--format',
        '{{.Digest}}',
        `docker://${imageRef}`,
      ]);
      const digest = stdout.trim();
      assert.match(digest, /^sha256:[0-9a-f]{64}$/);
      await open(hoverFile);
      const at = positionOf(hoverText_, imageRef);
      await goTo(page, { line: at.line, character: at.character + 3 });
      const shown = await hoverText(page, digest);
      assert.ok(shown.includes(digest));
      // Each line its own block: the reference, then the digest, then the creation time.
      const blocks = await hoverBlocks(page);
      assert.ok(blocks.includes(imageRef), `the reference is a line of its own: ${JSON.stringify(blocks)}`);
      assert.ok(
        blocks.some((b) => b === `Digest: ${digest}`),
        `the digest is a line of its own: ${JSON.stringify(blocks)}`,
      );
      await editor.screenshot('image-hover');
      await closeWidgets(page);

      // The digest is known now: the lightbulb offers to pin it, and to add a trigger.
      const titles = await openCodeActions(page);
      await editor.screenshot('refactorings');
      await closeWidgets(page);
      assert.ok(
        titles.some((title) => title.startsWith(`Pin image to digest ${digest.slice(0, 19)}`)),
        JSON.stringify(titles),
      );
      assert.ok(
        titles.some((title) => title.startsWith('Add image-stream trigger')),
        JSON.stringify(titles),
      );
    });

    await t.test(
      'Ctrl+. on an image: line at a registry that never answers opens the lightbulb menu at once',
      async () => {
        await open(slowFile);
        await goTo(page, positionOf(slowText, slowImage));
        const started = Date.now();
        const titles = await openCodeActions(page);
        const ms = Date.now() - started;
        await closeWidgets(page);
        log(`lightbulb menu on a silent registry's image after ${ms} ms`);
        assert.ok(
          titles.some((title) => title.startsWith('Add image-stream trigger')),
          JSON.stringify(titles),
        );
        // Issue 13 measured ~2.4 s (the registry's 2 s deadline). Code actions no longer wait for a
        // registry: VS Code dropped a Ctrl+. pressed within 250 ms of moving the cursor whose answer
        // came after its own lightbulb check ("No code actions available"), as this press is.
        assert.ok(ms < 1500, `the menu opened after ${ms} ms`);
      },
    );

    await t.test(
      '"Pin every image in this file" writes each image\'s digest, the tag in a comment or in tag@digest form',
      async () => {
        const { stdout } = await run('skopeo', [
          'inspect',
          '--tls-verify=false',
          '--format',
          '{{.Digest}}',
          `docker://${imageRef}`,
        ]);
        const appDigest = stdout.trim();
        await open(pinFile);
        await runCommand(page, 'istream: Pin every image in this file to its digest');
        await pickQuickItem(page, 'the tag kept in a comment');
        const pinnedApp = `image: ${imageRef.replace(/:[^:/]+$/, '')}@${appDigest} # ${imageRef}`;
        const text = await waitForText(page, (t) => t.includes(pinnedApp) && t.includes(`# ${otherRef}`));
        await editor.screenshot('pin-every-image');
        assert.ok(text.includes(pinnedApp), text);
        assert.match(text, new RegExp(`image: \\S+@sha256:[0-9a-f]{64} # ${escapeRegExp(otherRef)}`), text);

        // The other choice, on the file as it was.
        await page.keyboard.press('Control+Z');
        await waitForText(page, (t) => !t.includes('@sha256:'));
        await runCommand(page, 'istream: Pin every image in this file to its digest');
        await pickQuickItem(page, 'tag@digest');
        const tagged = await waitForText(page, (t) => t.includes(`image: ${imageRef}@${appDigest}`));
        assert.match(tagged, new RegExp(`image: ${escapeRegExp(otherRef)}@sha256:[0-9a-f]{64}$`, 'm'), tagged);
        assert.ok(!tagged.includes(' # '), tagged);
        await page.keyboard.press('Control+S');
      },
    );

    await t.test('"Add an image-stream trigger" adds the annotation for the container under the cursor', async () => {
      await open(hoverFile);
      const at = positionOf(hoverText_, imageRef);
      await goTo(page, at);
      await runCommand(page, 'istream: Add an image-stream trigger for the container under the cursor');
      const text = await waitForText(page, (t) => t.includes('image.openshift.io/triggers:'));
      await editor.screenshot('add-trigger');
      assert.ok(text.includes('"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"'), text);
      await page.keyboard.press('Control+S');
      const saved = await readFile(hoverFile, 'utf8');
      const { stdout } = await run(process.execPath, [kubectlIstream, 'lint', '-o', 'json', hoverFile]);
      assert.deepEqual(JSON.parse(stdout), [], `kubectl istream lint accepts the added trigger:\n${saved}`);
    });

    await t.test('"Lint every YAML file of the workspace" puts a file never opened in the Problems panel', async () => {
      const before = await readProbe(probeOut);
      assert.equal(before.diagnostics[unopenedFile], undefined, 'not linted before the command');
      await runCommand(page, 'istream: Lint every YAML file of the workspace');
      const after = await waitForProbe(probeOut, (p) => (p.diagnostics[unopenedFile]?.length ?? 0) > 0);
      // What VS Code holds is what the Problems panel lists (its rows are virtualized: only those in view exist).
      assert.deepEqual(after.diagnostics[unopenedFile], await lintJson(unopenedFile));
      await problems(page);
      await editor.screenshot('lint-workspace');
    });

    await t.test('a 1 MB annotation gets its diagnostic and the extension host stays responsive', async () => {
      const opened = Date.now();
      await open(bigFile);
      const first = await waitForProbe(probeOut, (p) => (p.diagnostics[bigFile]?.length ?? 0) > 0, 60_000);
      log(
        `1 MB annotation: first diagnostics after ${Date.now() - opened} ms: ${JSON.stringify(first.diagnostics[bigFile]?.map((d) => d.code))}`,
      );

      // Type at the top of the file: every pause re-validates the whole megabyte.
      const typing = Date.now();
      await goTo(page, { line: 3, character: 'metadata:'.length });
      for (const key of ['Enter', '#', ' ', 'x', 'Backspace', 'Backspace', 'Backspace', 'Backspace']) {
        await page.keyboard.press(key);
        await page.waitForTimeout(250);
      }
      const typed = Date.now();
      // A report written a second after the last keystroke covers the last re-validation.
      const settled = await waitForProbe(
        probeOut,
        (p) => p.writtenAt > typed + 1000 && (p.diagnostics[bigFile]?.length ?? 0) > 0,
      );
      const stalls = settled.stalls.filter(([at]) => at >= typing);
      const worst = Math.max(0, ...stalls.map(([, ms]) => ms));
      log(`1 MB annotation: worst extension-host stall while typing ${worst} ms (${stalls.length} stalls over 100 ms)`);
      await editor.screenshot('one-megabyte-annotation');
      assert.ok(worst < 2000, `the extension host's event loop never stops for 2 s (worst ${worst} ms)`);
    });

    await t.test(
      'a kube context the kubeconfig lacks, set in the workspace settings: the hover and the status bar name the setting',
      async () => {
        await mkdir(join(workspace, '.vscode'), { recursive: true });
        await writeFile(
          join(workspace, '.vscode/settings.json'),
          JSON.stringify({ 'istream.cluster.context': 'staging' }),
        );
        await statusBarEntry(page, 'istream: no cluster');
        const shown = await hoverSourcesImage('cluster-setting-in-message');
        assert.match(
          shown,
          /Cluster: context "staging" does not exist in the kubeconfig \(contexts: admin\): name one of them in the istream\.cluster\.context setting/,
        );
        assert.doesNotMatch(shown, /--insecure|--kubeconfig|--context/);
      },
    );
  },
);

/** What the extension logs (its output channel) about its first diagnostics, in ms after activation. */
async function firstDiagnosticsAfterActivation(editor: { logs(): Promise<string> }): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = /first diagnostics (\d+) ms after activation/.exec(await editor.logs());
    if (found) return Number(found[1]);
    if (Date.now() > deadline) throw new Error('the extension never logged its first diagnostics');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A Deployment whose triggers annotation is 1 MB of JSON, cut off before its end. */
function bigAnnotationManifest(): string {
  const trigger = (i: number): string =>
    `{"from":{"kind":"ImageStreamTag","name":"web:v${i}"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}`;
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 1024 * 1024; i++) {
    const part = trigger(i);
    parts.push(part);
    size += part.length + 1;
  }
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: big
  annotations:
    image.openshift.io/triggers: '[${parts.join(',')}'
spec:
  template:
    spec:
      containers:
      - name: web
        image: web:latest
`;
}
