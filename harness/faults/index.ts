export type {
  Fault,
  FaultKind,
  FaultEnv,
  KillFault,
  WipeDatadirFault,
  DestroyFault,
  PauseFault,
  PartitionFault,
  CrashTriggerFault,
} from './types.js';
export type { Selector, TopologyShape } from './selector.js';
export { ROLES } from './selector.js';
export { faultEnvOf } from './env.js';
export { withFault, validateFault, faultKinds } from './registry.js';
export type { FaultRecord } from './registry.js';
export { supervisedRestarts } from './crash-loop.js';
