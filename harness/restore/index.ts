export { verifyArtifact, ArtifactRejectedError } from './verify-artifact.js';
export { restorePhysical } from './physical.js';
export type { RestoreTarget, RestoreResult } from './physical.js';
