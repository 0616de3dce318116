import 'reflect-metadata';
import { runCli } from './cli';
import { Output } from './output';

async function main(): Promise<void> {
  const code = await runCli(process.argv.slice(2), {
    output: new Output({ stdout: process.stdout, stderr: process.stderr }),
    env: process.env,
    cwd: process.cwd(),
  });
  // Exit explicitly: a PMS link or a pool may keep the event loop alive after the work is done.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}

void main();
