import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTabbed, KUBECTL_TABLE, OC_DESCRIBE } from '../../src/printers/tabwriter.js';
import { humanDuration } from '../../src/printers/age.js';

// Expected strings were produced by Go's text/tabwriter with the same settings (go1.26).
test('describe text aligns with tabs exactly as oc prints it', () => {
  const text =
    'Name:\tubi\nNamespace:\tdemo\nLabels:\t<none>\nAnnotations:\ta=b\n\tc=d\nImage Repository:\t<none>\nImage Lookup:\tlocal=false\nUnique Images:\t2\nTags:\t1\n\n8\n  tagged from reg/ubi:8\n\n  * reg/ubi@sha256:bb\n      6 seconds ago\tsha256:bbbb\n    reg/ubi@sha256:aa\n      About a minute ago\n';
  assert.equal(
    formatTabbed(text, OC_DESCRIBE),
    'Name:\t\t\tubi\nNamespace:\t\tdemo\nLabels:\t\t\t<none>\nAnnotations:\t\ta=b\n\t\t\tc=d\nImage Repository:\t<none>\nImage Lookup:\t\tlocal=false\nUnique Images:\t\t2\nTags:\t\t\t1\n\n8\n  tagged from reg/ubi:8\n\n  * reg/ubi@sha256:bb\n      6 seconds ago\tsha256:bbbb\n    reg/ubi@sha256:aa\n      About a minute ago\n',
  );
});

test('tables align with spaces exactly as kubectl prints them', () => {
  const text = 'NAME\tIMAGE REPOSITORY\tTAGS\tUPDATED\nubi\t\t8,latest\t6 seconds ago\nx\trepo.example/ns/x\t\t\n';
  assert.equal(
    formatTabbed(text, KUBECTL_TABLE),
    'NAME   IMAGE REPOSITORY    TAGS       UPDATED\nubi                        8,latest   6 seconds ago\nx      repo.example/ns/x              \n',
  );
});

test('relative times read like docker/go-units', () => {
  assert.equal(humanDuration(400), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(6_500), '6 seconds');
  assert.equal(humanDuration(90_000), 'About a minute');
  assert.equal(humanDuration(45 * 60_000), '45 minutes');
  assert.equal(humanDuration(89 * 60_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
  assert.equal(humanDuration(20 * 86_400_000), '2 weeks');
  assert.equal(humanDuration(100 * 86_400_000), '3 months');
  assert.equal(humanDuration(800 * 86_400_000), '2 years');
});
