export * from './fias.errors';
export * from './fias.codec';
export * from './fias.fields';
export * from './fias.records';
export * from './fias.transport';
export * from './fias.posting-number';
export * from './fias.link';
export * from './fias.client';
