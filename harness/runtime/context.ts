import type { Override, ServerConfig } from './server-config.js';
import type { FlavorAdapter } from './adapter.js';
import type { ContainerFiles } from './docker.js';
import type { StartedNetwork } from './network.js';
import type { RunContext } from './run-context.js';

/** Per-run credentials: generated, kept in memory, given to servers over stdin or SQL, never on argv or in logs. */
export interface Credentials {
  admin: string;
  adminPassword: string;
  repl: string;
  replPassword: string;
}

/** What every node of a run shares: the run, its network, the flavor's adapter and image, the credentials. */
export interface TopologyContext {
  run: RunContext;
  network: StartedNetwork;
  adapter: FlavorAdapter;
  image: string;
  creds: Credentials;
  progress: (m: string) => void;
  /**
   * `--server-config`: the user's file (put into every node from memory); per node, which of its options the topology
   * overrode, and the values the server runs with for the options that are variables (read back once it is up).
   */
  serverConfig?: {
    cfg: ServerConfig;
    overrides: Record<string, Override[]>;
    applied: Record<string, Record<string, string>>;
    /**
     * Files the configuration names, put into every node (and the config check) from memory before it starts: the
     * run's key file for `file_key_management` (core/key-file.ts), identical on every node so that encrypted tables
     * replicate and physical backups of one node prepare and start on another.
     */
    files?: readonly ContainerFiles[];
  };
}
