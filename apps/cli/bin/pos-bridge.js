#!/usr/bin/env node
// `npx pos-bridge …` / `npm run cli -- …`: the built CLI (npm run build puts it in dist/apps/cli).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`pos-bridge: ${main} is missing: run \`npm run build\` first\n`);
  process.exit(2);
}
require(main);
