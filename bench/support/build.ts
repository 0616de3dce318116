import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { rspack } from '@rspack/core';
import { ROOT } from './processes';

export const BUILD_DIR = join(ROOT, 'bench/results/build');

/**
 * Bundles entry points the way `nest build` bundles the service (rspack + swc, node_modules left external),
 * so that the measured processes carry no on-the-fly compiler: startup time and memory are the product's.
 */
export function buildBundles(entries: Record<string, string>): Promise<Record<string, string>> {
  // Where the dashboard looks for its static files beside the bundle, as in dist/apps/bridge.
  const assets = 'apps/bridge/src/assets';
  cpSync(join(ROOT, assets), join(BUILD_DIR, assets), { recursive: true });
  return new Promise((resolve, reject) => {
    rspack(
      {
        entry: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(ROOT, file)])),
        target: 'node',
        mode: 'none',
        devtool: false,
        output: { path: BUILD_DIR, filename: '[name].js', library: { type: 'commonjs2' } },
        externalsPresets: { node: true },
        externals: [
          ({ request }, callback) => {
            const bare = request !== undefined && !/^[./]/.test(request) && !request.startsWith('@bridge/');
            if (bare) callback(undefined, `commonjs ${request}`);
            else callback();
          },
        ],
        module: {
          rules: [
            {
              test: /\.ts$/,
              exclude: /node_modules/,
              loader: 'builtin:swc-loader',
              options: {
                jsc: {
                  parser: { syntax: 'typescript', decorators: true },
                  transform: { legacyDecorator: true, decoratorMetadata: true },
                  target: 'es2021',
                },
              },
            },
          ],
        },
        resolve: { extensions: ['.ts', '.js'], tsConfig: join(ROOT, 'tsconfig.json') },
        optimization: { nodeEnv: false },
        node: { __filename: false, __dirname: false },
      },
      (error, stats) => {
        if (error) reject(error);
        else if (stats?.hasErrors()) reject(new Error(stats.toString({ all: false, errors: true })));
        else
          resolve(
            Object.fromEntries(Object.keys(entries).map((name) => [name, join(BUILD_DIR, `${name}.js`)])),
          );
      },
    );
  });
}
