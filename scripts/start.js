#!/usr/bin/env node
// `npm start`: builds the bridge and runs it. With no config (no config/bridge.yaml and no BRIDGE_CONFIG)
// it runs the demo: the simulators on local ports, the bridge on an embedded SQLite file under ./data.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { createInterface } = require('node:readline');
const { join } = require('node:path');

const root = join(__dirname, '..');
const demo = !process.env.BRIDGE_CONFIG && !existsSync(join(root, 'config', 'bridge.yaml'));

function build(project) {
  const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', project], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function startSimulators(bridgeUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'dist/apps/simulators/main.js'), '--bridge-url', bridgeUrl],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.once('exit', (code) => reject(new Error(`simulators exited with code ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      try {
        resolve({ child, info: JSON.parse(line) });
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function main() {
  build('bridge');
  const env = { ...process.env };
  let simulators;
  if (demo) {
    build('simulators');
    env.PORT = env.PORT || '3000';
    env.BRIDGE_PUBLIC_URL = env.BRIDGE_PUBLIC_URL || `http://127.0.0.1:${env.PORT}`;
    simulators = await startSimulators(env.BRIDGE_PUBLIC_URL);
    env.DEMO_RKEEPER_FINGERPRINT = simulators.info.rkeeperFingerprint;
    process.stdout.write(
      `\nNo config/bridge.yaml: running the DEMO (simulators + SQLite in ./data).\n` +
        `  r_keeper simulator control: ${simulators.info.rkeeperControl}\n` +
        `  Invoicebox sandbox:         ${simulators.info.invoicebox}\n` +
        `  printed slips:              ${simulators.info.printerJobs}/jobs\n` +
        `  dashboard:                  ${env.BRIDGE_PUBLIC_URL}/dashboard  (token: ${env.BRIDGE_ADMIN_TOKEN || 'demo-admin-token-0000'})\n\n`,
    );
  }
  const bridge = spawn(process.execPath, [join(root, 'dist/apps/bridge/main.js')], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  const stop = (signal) => bridge.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  bridge.on('exit', (code, signal) => {
    simulators?.child.kill('SIGTERM');
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
