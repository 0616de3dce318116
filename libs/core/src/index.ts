export * from './domain/money';
export * from './domain/quantity';
export * from './errors/bridge.error';
export * from './errors/domain.errors';
export * from './errors/upstream.errors';
