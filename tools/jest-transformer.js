// Jest cannot load ES modules from CommonJS on Node 20 (Node itself can, with require(esm)), and
// NestJS 12 ships ESM only. This transformer compiles our TypeScript with swc and, for dependencies
// that are ES modules, converts them to CommonJS on the fly (cached by Jest).
const { createTransformer } = require('@swc/jest');

const swcOptions = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const typescript = createTransformer(swcOptions);
const esmDependency = createTransformer({
  jsc: { target: 'es2022', parser: { syntax: 'ecmascript' }, keepClassNames: true },
  module: { type: 'commonjs', ignoreDynamic: false },
  sourceMaps: false,
});

const ESM_SYNTAX = /^\s*(import\s[\s\S]*?from\s|import\s*['"{*]|export\s)/m;

function rewriteImportMeta(source) {
  return source
    .replace(/import\.meta\.url/g, "module.require('node:url').pathToFileURL(__filename).href")
    .replace(/import\.meta\.dirname/g, '__dirname')
    .replace(/import\.meta\.filename/g, '__filename');
}

module.exports = {
  canInstrument: false,
  getCacheKey(source, path, options) {
    const inner = path.includes('/node_modules/') ? esmDependency : typescript;
    return `v3:${inner.getCacheKey(source, path, options)}`;
  },
  process(source, path, options) {
    if (!path.includes('/node_modules/')) return typescript.process(source, path, options);
    if (!ESM_SYNTAX.test(source) && !source.includes('import.meta')) return { code: source };
    return esmDependency.process(rewriteImportMeta(source), path, options);
  },
};
