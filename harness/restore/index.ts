export { verifyArtifact, ArtifactRejectedError } from './verify-artifact.js';
export { restorePhysical } from './physical.js';
export { restoreLogical } from './logical.js';
export { restoreArtifact } from './artifact.js';
export type { RestoreTarget, RestoreResult } from './physical.js';
export { pointInTimeRestore, listBinlogTransactions } from './pitr.js';
export type { PitrTarget, PitrResult } from './pitr.js';
export { restoreAndCatchUp } from './catch-up.js';
export type { CatchUpResult, PeerCatchUp, Peer } from './catch-up.js';
