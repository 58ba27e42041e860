// MySQL Group Replication (the group_replication plugin): forming a single-primary group the way a DBA does it, and
// reading the group as its members see it (performance_schema.replication_group_members).
import type { Statement } from './dialect.js';

/** The channel distributed recovery uses to copy what a joining member lacks from a donor. */
const RECOVERY_CHANNEL = 'group_replication_recovery';

/**
 * The credentials distributed recovery connects to a donor with (stored in the member's replication metadata, in its
 * datadir; sent over the SQL session, never on a command line). The donor's caching_sha2_password key is fetched
 * (`group_replication_recovery_get_public_key`, set in the option file).
 */
export const recoveryCredentials = (user: string, password: string): Statement => ({
  sql: `CHANGE REPLICATION SOURCE TO SOURCE_USER = ?, SOURCE_PASSWORD = ? FOR CHANNEL '${RECOVERY_CHANNEL}'`,
  values: [user, password],
});

/** The first member creates the group: bootstrap on for one START, then off again (never left on). */
export const bootstrapGroup = (): Statement[] => [
  { sql: 'SET GLOBAL group_replication_bootstrap_group = ON' },
  { sql: 'START GROUP_REPLICATION' },
  { sql: 'SET GLOBAL group_replication_bootstrap_group = OFF' },
];

/** A member joins the group (distributed recovery brings it up to date before it is ONLINE). */
export const joinGroup = (): Statement => ({ sql: 'START GROUP_REPLICATION' });

/** Once a member is ONLINE it starts group replication by itself at every later start (as a DBA's option file would). */
export const startOnBoot = (): Statement => ({ sql: 'SET PERSIST group_replication_start_on_boot = ON' });

/** The group as this member sees it: one row per member {id, host, state, role}. */
export const groupMembers = (): Statement => ({
  sql: `SELECT MEMBER_ID AS id, MEMBER_HOST AS host, MEMBER_STATE AS state, MEMBER_ROLE AS role,
  MEMBER_ID = @@GLOBAL.server_uuid AS self FROM performance_schema.replication_group_members ORDER BY MEMBER_HOST`,
});

/**
 * How the clients find the primary (MySQL Router's metadata cache reads the same table): `ro` is 0 only on the member
 * that is ONLINE as PRIMARY in a view where a majority of the members is ONLINE. A primary cut off in a minority still
 * calls itself PRIMARY, but sees its peers UNREACHABLE: it is not routed to.
 */
export const routesWrites = (): Statement => ({
  sql: `SELECT CASE WHEN SUM(MEMBER_ID = @@GLOBAL.server_uuid AND MEMBER_STATE = 'ONLINE' AND MEMBER_ROLE = 'PRIMARY') = 1
  AND 2 * SUM(MEMBER_STATE = 'ONLINE') > COUNT(*) THEN 0 ELSE 1 END AS ro FROM performance_schema.replication_group_members`,
});

/** Whether the member refuses every write (super_read_only: a secondary, or a primary still applying its backlog). */
export const superReadOnly = (): Statement => ({ sql: 'SELECT @@GLOBAL.super_read_only AS sro' });

/** Whether the member's datadir was last replaced by a clone (distributed recovery by clone): rows of the clone plugin. */
export const cloneStatus = (): Statement => ({ sql: 'SELECT STATE AS state, SOURCE AS source FROM performance_schema.clone_status' });
