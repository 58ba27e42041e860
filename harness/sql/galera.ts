import type { Statement } from './dialect.js';

/** Rows {Variable_name, Value} of every wsrep status variable. */
export const wsrepStatus = (): Statement => ({ sql: "SHOW GLOBAL STATUS LIKE 'wsrep\\_%'" });
/** Makes a non-Primary survivor the Primary component (the seed's recovery after quorum loss). */
export const bootstrapPrimaryComponent = (): Statement => ({ sql: "SET GLOBAL wsrep_provider_options = 'pc.bootstrap=YES'" });
