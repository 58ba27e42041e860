import type { Statement } from './dialect.js';

/** Rows {Variable_name, Value} of every wsrep status variable. */
export const wsrepStatus = (): Statement => ({ sql: "SHOW GLOBAL STATUS LIKE 'wsrep\\_%'" });
/**
 * Makes a non-Primary survivor the Primary component (the seed's recovery after quorum loss). MariaDB 11.1+ exposes
 * each provider option as its own variable and refuses writes to `wsrep_provider_options` (ERROR 1238).
 */
export const bootstrapPrimaryComponent = (style: 'options-string' | 'variables'): Statement => ({
  sql: style === 'variables' ? 'SET GLOBAL wsrep_provider_pc_bootstrap = ON' : "SET GLOBAL wsrep_provider_options = 'pc.bootstrap=YES'",
});

/** Desynchronises a node from the cluster's flow control (a backup on it must not stall the others), or resyncs it. */
export const setDesync = (on: boolean): Statement => ({ sql: `SET GLOBAL wsrep_desync = ${on ? 'ON' : 'OFF'}` });

/** The node's wsrep_mode (MariaDB 10.6+): REPLICATE_MYISAM / REPLICATE_ARIA make Galera replicate those engines' rows. */
export const wsrepMode = (): Statement => ({ sql: 'SELECT @@GLOBAL.wsrep_mode AS mode' });
