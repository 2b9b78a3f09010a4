// The real tobacco-gateway binary for the browser tests: a development PKI
// (certs/make_dev_certs.sh, the script that makes certs/out), a config
// derived from the shipped sample with mutual TLS on our ports and a
// throw-away store, and the process itself, started under libfaketime so a
// test can move the gateway's clock forward (a request going overdue) while
// the browser's clock stays real.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  freeLocalPort, gatewayBinary, removeTopLevelBlock, sleep, tryConnect,
} from '../../interop/gateway_harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..', '..');
const SAMPLE_CONFIG = path.join(REPO, 'deploy', 'config', 'gateway.textproto');
const STARTUP_TIMEOUT_MS = 30_000;
// Debian's libfaketime (the multi-threaded variant: the gateway reads the
// clock from many threads).
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

// The organisations the browser tests act as: the file stem of each
// development certificate and the ODS code in it.
export const ROLES = {
  service: { cert: 'service-tds01', ods: 'TDS01' },
  gp: { cert: 'gp-y90001', ods: 'Y90001' },
  pharmacy: { cert: 'pharmacy-fzz99', ods: 'FZZ99' },
  admin: { cert: 'admin-ops', ods: 'ADM01' },
  trust: { cert: 'trust-rx9', ods: 'RX9' },
  otherPharmacy: { cert: 'pharmacy-fzz98', ods: 'FZZ98' },
  // An ICB commissioner (issue 14's role): every organisation mapped to QE1.
  icb: { cert: 'icb-qe1', ods: 'QE1' },
};

// `validFromSeconds` (negative) back-dates the certificates (libfaketime
// around openssl), so a gateway running in the past accepts them too.
export function makePki(dir, { validFromSeconds = 0 } = {}) {
  execFileSync('bash', [path.join(REPO, 'certs', 'make_dev_certs.sh'), dir], {
    stdio: 'ignore', timeout: 120_000,
    env: { ...process.env, ...fakeTimeEnv(validFromSeconds) },
  });
  const file = (name) => path.join(dir, name);
  for (const role of Object.values(ROLES)) fs.accessSync(file(`${role.cert}.pem`));
  return { dir, file };
}

// The sample config with our ports, the PKI above and a store in `dir`.
// The HTTPS listener (`fhir`) serves /fhir/, /v1/ and /console/. The
// deadline scan runs every `scanIntervalSeconds` (the first scan one interval
// after start); nothing is delivered anywhere (no organisation registry):
// steps an organisation's system would confirm are recorded by hand.
export function writeConfig(dir, pki, { grpcPort, httpsPort, extra = '', scanIntervalSeconds = 1 }) {
  let text = fs.readFileSync(SAMPLE_CONFIG, 'utf8');
  for (const block of ['grpc', 'store', 'mllp', 'fhir', 'delivery', 'console', 'admin', 'mesh']) {
    text = removeTopLevelBlock(text, block, { required: false });
  }
  while (/^organisations\s*\{/m.test(text)) {
    text = removeTopLevelBlock(text, 'organisations');
  }
  text = text.replace(/scan_interval_seconds:\s*\d+/, `scan_interval_seconds: ${scanIntervalSeconds}`);
  const p = (name) => JSON.stringify(pki.file(name));
  const header = [
    '# Written by tests/browser/harness/gateway.mjs',
    'grpc {',
    `  address: "127.0.0.1:${grpcPort}"`,
    `  tls { cert_file: ${p('server.pem')} key_file: ${p('server.key')}`,
    `        client_ca_file: ${p('ca.pem')} crl_directory: ${p('crl')} }`,
    '}',
    'admin { address: "127.0.0.1:0" }',
    'store {',
    `  data_dir: ${JSON.stringify(path.join(dir, 'data'))}`,
    '  sqlite { path: "gateway.db" }',
    '}',
    'fhir {',
    `  address: "127.0.0.1:${httpsPort}"`,
    `  tls { cert_file: ${p('server.pem')} key_file: ${p('server.key')}`,
    `        client_ca_file: ${p('ca.pem')} crl_directory: ${p('crl')} }`,
    '}',
    extra,
    '',
  ].join('\n');
  const file = path.join(dir, 'gateway.textproto');
  fs.writeFileSync(file, header + text);
  return file;
}

// The environment that runs a program `offset` seconds from now (none for 0).
function fakeTimeEnv(offset) {
  if (!offset) return {};
  fs.accessSync(LIBFAKETIME);
  return {
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME: `${offset > 0 ? '+' : ''}${offset}`,
    // Only the wall clock moves; monotonic timers and file times stay.
    DONT_FAKE_MONOTONIC: '1',
    NO_FAKE_STAT: '1',
  };
}

function spawnGateway(bin, configFile, env) {
  const child = spawn(bin, ['--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'], env,
  });
  const gw = { child, log: '', exit: null };
  const append = (chunk) => {
    gw.log += chunk.toString();
    if (gw.log.length > 200_000) gw.log = gw.log.slice(-200_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  gw.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      gw.exit = { code, signal };
      resolve(gw.exit);
    });
  });
  return gw;
}

// Starts the binary; resolves once both ports accept connections.
// `clockOffsetSeconds` (negative: the past) runs it under libfaketime, so
// a test can record steps days ago and then `restart()` at the real time,
// where the deadline scan finds them overdue. (Only backwards: Abseil's
// timed waits take an absolute wall-clock deadline that the kernel compares
// with the real clock, so a gateway in the future would sleep for the
// offset; in the past they return at once, which costs a few seconds of
// busy polling during set-up and nothing else.)
export async function startTestGateway(dir, pki, { extraConfig = '', clockOffsetSeconds = 0 } = {}) {
  const grpcPort = await freeLocalPort();
  const httpsPort = await freeLocalPort();
  const configure = (scanIntervalSeconds) => writeConfig(
    dir, pki, { grpcPort, httpsPort, extra: extraConfig, scanIntervalSeconds });
  let config = configure(1);
  const gateway = {
    grpcTarget: `localhost:${grpcPort}`,
    httpsPort,
    origin: `https://127.0.0.1:${httpsPort}`,
    process: null,
    get log() { return this.process?.log ?? ''; },
    async start(offset) {
      const env = { ...process.env, ...fakeTimeEnv(offset) };
      this.process = spawnGateway(gatewayBinary(), config, env);
      await waitForPorts(this.process, [grpcPort, httpsPort]);
    },
    async stop() {
      const gw = this.process;
      if (!gw || gw.exit) return gw?.exit;
      gw.child.kill('SIGTERM');
      const timer = setTimeout(() => gw.child.kill('SIGKILL'), 10_000);
      const exit = await gw.exited;
      clearTimeout(timer);
      return exit;
    },
    // Same ports, same store; the clock at `offset` seconds from now.
    async restart({ clockOffsetSeconds: offset = 0, scanIntervalSeconds = 1 } = {}) {
      await this.stop();
      config = configure(scanIntervalSeconds);
      await this.start(offset);
    },
  };
  await gateway.start(clockOffsetSeconds);
  return gateway;
}

async function waitForPorts(gw, ports) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (const port of ports) {
    for (;;) {
      if (gw.exit) {
        throw new Error(`gateway exited during start-up (${JSON.stringify(gw.exit)}):\n${gw.log}`);
      }
      if (await tryConnect(port)) break;
      if (Date.now() > deadline) {
        throw new Error(`port ${port} not open within ${STARTUP_TIMEOUT_MS} ms:\n${gw.log}`);
      }
      await sleep(50);
    }
  }
}

// tobaccoctl as one organisation (`role` a key of ROLES), for the steps
// that set a walk up and for reading what the console did; returns the
// parsed --json output.
export function ctl(gateway, pki, role, args) {
  const bin = process.env.TOBACCOCTL_BIN;
  if (!bin) throw new Error('set TOBACCOCTL_BIN to the tobaccoctl binary');
  const { cert } = ROLES[role];
  const out = execFileSync(bin, [
    '--target', gateway.grpcTarget, '--ca', pki.file('ca.pem'),
    '--cert', pki.file(`${cert}.pem`), '--key', pki.file(`${cert}.key`),
    '--json', ...args,
  ], { encoding: 'utf8', timeout: 20_000 });
  return out.trim() ? JSON.parse(out) : {};
}
