// Shared by the Node interop tests: find the gateway binary, pick a port,
// derive a config from the shipped sample, start the binary and see when a
// port accepts connections.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export function gatewayBinary() {
  const bin = process.env.TOBACCO_GATEWAY_BIN;
  if (!bin) {
    throw new Error('set TOBACCO_GATEWAY_BIN to the tobacco-gateway binary ' +
                    '(e.g. build/default/gateway/server/tobacco-gateway)');
  }
  const resolved = path.resolve(bin);
  fs.accessSync(resolved, fs.constants.X_OK);
  return resolved;
}

export async function freeLocalPort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Removes the top-level `name { ... }` block from a textproto, honouring
// comments and quoted strings so braces inside them do not count.
export function removeTopLevelBlock(text, name, { required = true } = {}) {
  const start = text.search(new RegExp(`^${name}\\s*\\{`, 'm'));
  if (start < 0) {
    if (!required) return text;
    throw new Error(`sample config has no top-level ${name} block`);
  }
  let depth = 0;
  let i = text.indexOf('{', start);
  for (; i < text.length; ++i) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') ++i;
    } else if (c === '"' || c === "'") {
      for (++i; i < text.length && text[i] !== c; ++i) {
        if (text[i] === '\\') ++i;
      }
    } else if (c === '{') {
      ++depth;
    } else if (c === '}') {
      if (--depth === 0) break;
    }
  }
  if (depth !== 0) throw new Error(`unbalanced ${name} block in sample config`);
  return text.slice(0, start) + text.slice(i + 1);
}

export function startGateway(bin, configFile) {
  const child = spawn(bin, ['--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
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

export function tryConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => { socket.destroy(); resolve(false); });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The sample config at `sampleConfig` with mutual TLS on gRPC and on the
// HTTPS listener (/fhir/ and /v1/) from the PKI in `pki.dir`, our ports and
// a throw-away store under `dir`; the sample's listeners, outbox and
// organisation registry removed. `fhirExtra` adds lines inside the fhir
// block, `trailer` lines after it. Returns the file written.
export function writeMutualTlsConfig(dir, pki, sampleConfig, {
  writtenBy, grpcPort, httpsPort, fhirExtra = [], trailer = [],
}) {
  let text = fs.readFileSync(sampleConfig, 'utf8');
  // admin: the sample's fixed 127.0.0.1:9464 would clash between tests
  // running at once; each gets a port the OS picks.
  for (const block of ['grpc', 'store', 'mllp', 'fhir', 'delivery', 'admin', 'mesh']) {
    text = removeTopLevelBlock(text, block, { required: false });
  }
  while (/^organisations\s*\{/m.test(text)) {
    text = removeTopLevelBlock(text, 'organisations');
  }
  const p = (name) => JSON.stringify(path.join(pki.dir, name));
  const header = [
    `# Written by ${writtenBy}`,
    'grpc {',
    `  address: "127.0.0.1:${grpcPort}"`,
    `  tls { cert_file: ${p('server.pem')} key_file: ${p('server.key')}`,
    `        client_ca_file: ${p('ca.pem')} crl_directory: ${p('crl')} }`,
    '}',
    'store {',
    `  data_dir: ${JSON.stringify(path.join(dir, 'data'))}`,
    '  sqlite { path: "gateway.db" }',
    '}',
    'admin { address: "127.0.0.1:0" }',
    'fhir {',
    `  address: "127.0.0.1:${httpsPort}"`,
    `  tls_cert_path: ${p('server.pem')}`,
    `  tls_key_path: ${p('server.key')}`,
    `  client_ca_file: ${p('ca.pem')}`,
    `  crl_directory: ${p('crl')}`,
    ...fhirExtra,
    '}',
    ...trailer,
    '',
  ].join('\n');
  const file = path.join(dir, 'gateway.textproto');
  fs.writeFileSync(file, header + text);
  return file;
}
