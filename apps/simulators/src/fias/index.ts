export * from './fias-hotel';
export * from './fias-simulator';
export * from './fias-simulator.seed';
export * from './fias-control-server';
