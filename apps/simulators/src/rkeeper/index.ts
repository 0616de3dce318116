export * from './rkeeper-simulator';
export * from './rkeeper-sim.control';
export * from './rkeeper-sim.faults';
export * from './rkeeper-sim.notifier';
export * from './rkeeper-sim.seed';
export { SIM_ERRORS, SimRejection } from './rkeeper-sim.state';
export type { OpenOrderInput, SimDishInput, SimItemRef } from './rkeeper-sim.state';
