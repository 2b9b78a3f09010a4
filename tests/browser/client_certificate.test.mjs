// The harness itself: Debian's Chromium, with one organisation's NSS
// database and the auto-select policy for the gateway's origin, presents
// that organisation's development certificate to the real gateway's HTTPS
// listener (which requires one) with no prompt; a Chromium whose database
// holds no certificate is refused in the TLS handshake; and the policy file
// is gone once the test's world is closed (and a killed run's is removed
// before a new run writes its own).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { openWorld } from './harness/context.mjs';

let world;
let stalePolicy;
before(async () => {
  // A policy file left by a run that was killed (its process is gone).
  const dead = spawnSync('true').pid;
  stalePolicy = path.join('/etc/chromium/policies/managed', `tobacco-browser-test-${dead}.json`);
  fs.mkdirSync(path.dirname(stalePolicy), { recursive: true });
  fs.writeFileSync(stalePolicy, '{"AutoSelectCertificateForUrls":[]}');
  world = await openWorld({ roles: ['service', 'gp', 'pharmacy', 'admin'], withoutCertificate: true });
});
after(async () => { await world?.close(); });

test('each organisation\'s Chromium completes the mutual TLS handshake', async () => {
  for (const role of ['service', 'gp', 'pharmacy', 'admin']) {
    const page = await world.browsers[role].newPage();
    // Any answer at all means the listener accepted a client certificate;
    // the FHIR endpoint's CapabilityStatement is one every role may read.
    const response = await page.goto(`${world.origin}/fhir/metadata`, { timeout: 20_000 });
    assert.equal(response.status(), 200, role);
    assert.match(await response.text(), /"resourceType":\s*"CapabilityStatement"/, role);
    await page.close();
  }
});

test('a Chromium with no certificate is refused in the handshake', async () => {
  const page = await world.browsers.none.newPage();
  await assert.rejects(page.goto(`${world.origin}/fhir/metadata`, { timeout: 20_000 }),
                       /ERR_BAD_SSL_CLIENT_AUTH_CERT|ERR_SSL|ERR_CONNECTION|ERR_SOCKET_NOT_CONNECTED/);
  await page.close();
});

test('the auto-select policy names only the test\'s origin and is removed at the end', async () => {
  assert.equal(fs.existsSync(stalePolicy), false, 'a dead run\'s policy file was left in place');
  const policy = JSON.parse(fs.readFileSync(world.policy.file, 'utf8'));
  assert.deepEqual(policy.AutoSelectCertificateForUrls.map((p) => JSON.parse(p).pattern),
                   [world.origin]);
  const file = world.policy.file;
  world.policy.remove();
  assert.equal(fs.existsSync(file), false);
});
