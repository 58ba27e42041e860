export { adapterFor, familyAdapter } from './adapter.js';
export type { FamilyAdapter, FlavorAdapter, ServerOptions, BinlogTools, BinlogTxRef } from './adapter.js';
export { docker, engineVersion, imageExists, NoEngineError } from './docker.js';
export { ensureImage, planImage } from './images.js';
export { defaultConfig, isOwnDatabase, loadConfig, ownNames, parseConfig, resolveImage } from './config.js';
export type { Config, OwnNames, SuiteConfig, SuiteItem } from './config.js';
export { parseServerConfig, readServerConfig, overridesFor, pinnedOptions } from './server-config.js';
export type { ServerConfig, Override } from './server-config.js';
export { RunContext, newRunId, LABEL_RUN } from './run-context.js';
export { cleanDeadRuns, removeRun } from './cleanup.js';
export { startNetwork } from './network.js';
export { NodeDefinition, StartedNode, ServerExitedError } from './node.js';
export { isConnectionError } from './session.js';
export type { ContainerState, RemovedState } from './container.js';
export type { NodeSpec, Mount } from './node.js';
export type { Credentials, TopologyContext } from './context.js';
export { attachReplica, replicaStates, gtidExecuted, gtidReplicaPos, gtidWritten, waitCaughtUp } from './replication.js';
export { Topology, startTopology, openTopologyContext, attachToSources, withFlavor } from './topology.js';
export type {
  TopologySpec,
  PrimaryReplicasSpec,
  MultiSourceSpec,
  GaleraSpec,
  GroupReplicationSpec,
  ReplicaSpec,
  SourceSpec,
  SourceLink,
} from './topology.js';
export { galeraState, waitGalera, isSynced } from './galera.js';
export type { GaleraState } from './galera.js';
export { allOnline, groupMembers, waitGroup } from './group-replication.js';
export type { GroupMember } from './group-replication.js';
export { oneShot } from './oneshot.js';
export { keyFilesNamed, runKeyFiles } from './key-management.js';
export { probeOptions } from './option-probe.js';
export { catchUpOrRefusal, replicateOrRefusal } from './replication-attempt.js';
export { projectRoot, reportsDir, sakilaDir } from './paths.js';
export { openConnection, ConnectError } from './connection.js';
export { parseDsn, databasesOf, expandEnv } from './dsn.js';
export type { Dsn } from './dsn.js';
export { startS3Server, S3_SERVER_IMAGE } from './s3-server.js';
export type { S3Server, S3Keys } from './s3-server.js';
export { currentEngine } from './engine.js';
export type { Engine } from './engine.js';
export { listDind, startDind, stopDind } from './dind.js';
