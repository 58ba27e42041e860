export type { Fault, FaultEnv, FaultEffect, FaultHandler, Selector } from './types.js';
export { withFault, handlerFor, registerFault, faultKinds } from './registry.js';
export type { FaultRecord } from './registry.js';
export { kill, destroy, pause, partition, faultLabel } from './builtin.js';
export { crashTrigger, buildCrashUdf, supervisedRestarts, holdReplication, releaseHold } from './crash-loop.js';
