export type {
  Fault,
  FaultKind,
  FaultEnv,
  FaultEffect,
  FaultHandler,
  KillFault,
  WipeDatadirFault,
  DestroyFault,
  PauseFault,
  PartitionFault,
  CrashTriggerFault,
} from './types.js';
export type { Selector, Role, SelectorTopology, TopologyShape } from './selector.js';
export { ROLES, resolveSelector, selectorProblem } from './selector.js';
export { faultEnvOf } from './env.js';
export { withFault, validateFault, faultKinds } from './registry.js';
export type { FaultRecord } from './registry.js';
export { buildCrashUdf, supervisedRestarts, holdReplication, releaseHold } from './crash-loop.js';
