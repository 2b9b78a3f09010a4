// Debian's Chromium presenting an organisation's development client
// certificate, with no prompt (the recipe in shared/reference/
// browser-mtls.md): one NSS database per organisation under a throw-away
// home folder (Chromium reads $HOME/.pki/nssdb), the development CA trusted
// in it, and the machine-wide managed policy AutoSelectCertificateForUrls
// for the test's origin, removed when the test ends. The policy is
// machine-wide, so browser tests run one at a time (ctest RUN_SERIAL).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const POLICY_DIR = process.env.CHROMIUM_POLICY_DIR || '/etc/chromium/policies/managed';

// Flags that work on this machine kind: no sandbox as root, no GPU, and no
// background connections (the closed network refuses them, many at a time).
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-dev-shm-usage',
];

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

// A home folder whose NSS database trusts the development CA and holds
// `certStem`'s certificate and key (none when certStem is null: a browser
// with no certificate to present).
export function makeNssHome(root, pki, certStem) {
  const home = path.join(root, `home-${certStem ?? 'no-certificate'}`);
  const db = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(db, { recursive: true });
  run('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  run('certutil', ['-A', '-d', `sql:${db}`, '-n', 'tobacco-dev-ca', '-t', 'C,,',
                   '-i', pki.file('ca.pem')]);
  if (certStem) {
    const p12 = path.join(home, `${certStem}.p12`);
    run('openssl', ['pkcs12', '-export', '-in', pki.file(`${certStem}.pem`),
                    '-inkey', pki.file(`${certStem}.key`), '-out', p12,
                    '-passout', 'pass:', '-name', certStem]);
    run('pk12util', ['-i', p12, '-d', `sql:${db}`, '-W', '']);
    fs.rmSync(p12);
  }
  return home;
}

// A run killed outright (SIGKILL on a ctest timeout) leaves its policy
// file; two files setting the same policy conflict and Chromium keeps only
// one, so files of ours whose process is gone are removed first.
function removeStalePolicies() {
  for (const name of fs.readdirSync(POLICY_DIR)) {
    const match = /^tobacco-browser-test-(\d+)\.json$/.exec(name);
    if (!match) continue;
    try {
      process.kill(Number(match[1]), 0);
    } catch {
      fs.rmSync(path.join(POLICY_DIR, name), { force: true });
    }
  }
}

// Writes the auto-select policy for `origin`; returns a function that
// removes it (also run when the process exits or is interrupted).
export function installAutoSelectPolicy(origin) {
  const file = path.join(POLICY_DIR, `tobacco-browser-test-${process.pid}.json`);
  try {
    fs.mkdirSync(POLICY_DIR, { recursive: true });
    removeStalePolicies();
    fs.writeFileSync(file, JSON.stringify({
      AutoSelectCertificateForUrls: [JSON.stringify({ pattern: origin, filter: {} })],
    }));
  } catch (err) {
    throw new Error(`cannot write Chromium's managed policy ${file} (run as root): ${err.message}`);
  }
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    fs.rmSync(file, { force: true });
  };
  process.once('exit', remove);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => { remove(); process.exit(128 + (signal === 'SIGINT' ? 2 : 15)); });
  }
  return { file, remove };
}

// A headless Chromium whose NSS database is `home`'s. One browser process
// per organisation: the certificate store belongs to the process.
export async function launchAs(home) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    env: { ...process.env, HOME: home },
    timeout: 60_000,
  });
}
