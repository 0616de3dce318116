// The simulators the demo, the e2e tests, the chaos suite and the benchmarks run the bridge against.
export * from './invoicebox';
export * from './rkeeper';
export * from './printer';
export * from './fias';
