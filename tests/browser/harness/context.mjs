// One browser test's world: a temporary folder, the development PKI, the
// real gateway, one Chromium per organisation (each with its own NSS
// database) and the auto-select policy for the gateway's origin; `close()`
// undoes all of it, the policy first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { installAutoSelectPolicy, launchAs, makeNssHome } from './chromium.mjs';
import { makePki, ROLES, startTestGateway } from './gateway.mjs';

// Screenshots and page dumps: build/default/tests/browser/artifacts under
// ctest (BROWSER_ARTIFACTS_DIR), else a folder in the temporary directory.
export function artifactsDir(testName) {
  const root = process.env.BROWSER_ARTIFACTS_DIR ||
               path.join(os.tmpdir(), 'tobacco-browser-artifacts');
  const dir = path.join(root, testName);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function openWorld({
  roles, extraConfig = '', withoutCertificate = false, clockOffsetSeconds = 0,
}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tobacco-browser-'));
  const world = { dir, browsers: {}, policy: null, gateway: null };
  world.close = async () => {
    world.policy?.remove();
    for (const browser of Object.values(world.browsers)) {
      await browser.close().catch(() => {});
    }
    await world.gateway?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    world.pki = makePki(path.join(dir, 'pki'), { validFromSeconds: Math.min(0, clockOffsetSeconds - 86400) });
    world.gateway = await startTestGateway(dir, world.pki, { extraConfig, clockOffsetSeconds });
    world.origin = world.gateway.origin;
    world.policy = installAutoSelectPolicy(world.origin);
    const homes = roles.map((role) => [role, makeNssHome(dir, world.pki, ROLES[role].cert)]);
    if (withoutCertificate) homes.push(['none', makeNssHome(dir, world.pki, null)]);
    for (const [role, home] of homes) world.browsers[role] = await launchAs(home);
    return world;
  } catch (err) {
    await world.close();
    throw err;
  }
}
