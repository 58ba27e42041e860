export { verifyArtifact, ArtifactRejectedError } from './verify-artifact.js';
export { restorePhysical } from './physical.js';
export { restoreArtifact } from './artifact.js';
export { pointInTimeRestore } from './pitr.js';
export { restoreAndCatchUp } from './catch-up.js';
export { INSTANT_METHODS, instantVerify } from './instant.js';
export { copyBack } from './copy-back.js';
export { describeLimits, logicalDumpLimits, physicalCopyLimits, type CarryLimit } from './method-limits.js';
