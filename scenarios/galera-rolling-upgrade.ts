// MariaDB's Galera rolling upgrade, rehearsed under load: a 3-node cluster on the old version (the clients write to
// galera-1 through a proxy with one write node) is upgraded member by member, galera-3, galera-2, then galera-1 once
// the clients were moved to an upgraded member. Each member is stopped cleanly, started on the target version's image
// on the same datadir, rejoins by IST (MariaDB: a rolling upgrade with SST does not work) and runs mariadb-upgrade
// with --skip-write-binlog. While the versions are mixed, each member's version is seen, the writes go on, the
// ledger holds on an upgraded and an old member, and a full SST is tried both ways (an old member wiped and fed by a
// new donor, later a new member wiped and fed by an old donor): each direction worked or was refused (a warning). At the end all three run the target version, hold the same data and
// the whole ledger. Parameter `to`: the target version (default the family's next one: 10.5 -> 10.11, 10.11 -> 11.8).
import {
  clientsBehindProxy,
  datasetPlusBulk,
  defineScenario,
  galera,
  galeraConverge,
  galeraMemberUpgraded,
  goNoGoVerdict,
  ledgerHolds,
  ledgerHoldsWhileMixed,
  memberVersions,
  membersEqual,
  phase,
  sstDirection,
  stopWorkload,
  underLoad,
  upgradeParams,
  validateGaleraUpgradeParams,
  writeNodeMovedTo,
} from '../harness/scenario/index.js';

const members = ['galera-1', 'galera-2', 'galera-3'];

export default defineScenario({
  id: 'galera-rolling-upgrade',
  description:
    'a 3-node Galera cluster upgraded member by member under load (the write node last, the clients moved first): mixed versions, IST rejoins, the ledger on old and new members, all on the new version and equal at the end',
  flavors: ['mariadb-10.5', 'mariadb-10.11'],
  ...datasetPlusBulk(),
  params: { ...datasetPlusBulk().params, to: upgradeParams().to },
  validate: validateGaleraUpgradeParams,
  topology: galera({ members, writeNode: 'galera-1' }),
  workload: { writers: 4, ratePerSec: 150 },
  phases: [
    phase('prepare', [clientsBehindProxy('write-node'), underLoad(200), memberVersions('before', [])]),
    phase('upgrade-galera-3', [galeraMemberUpgraded('galera-3')], { recovery: true }),
    phase('mixed', [
      memberVersions('mixed', ['galera-3']),
      underLoad(200),
      ledgerHoldsWhileMixed(['galera-3', 'galera-1']),
      // SST, old-version joiner from a new-version donor (if refused: it rejoins from galera-1, old)
      sstDirection('galera-2', 'galera-3', 'galera-1'),
      underLoad(100),
    ]),
    phase('upgrade-galera-2', [galeraMemberUpgraded('galera-2')], { recovery: true }),
    phase('move-writes', [writeNodeMovedTo('galera-2'), underLoad(100)], { recovery: true }),
    // SST, new-version joiner from an old-version donor (if refused: it rejoins from galera-2, new)
    phase('sst-new-from-old', [sstDirection('galera-3', 'galera-1', 'galera-2'), underLoad(100)]),
    phase('upgrade-galera-1', [galeraMemberUpgraded('galera-1')], { recovery: true }),
    phase('verify', [
      underLoad(100),
      stopWorkload(),
      galeraConverge(),
      memberVersions('upgraded', members),
      membersEqual(),
      ...members.map(ledgerHolds),
    ]),
    // a refused SST direction is a warning here, never a failed drill
    phase('go-no-go', [goNoGoVerdict()]),
  ],
  // the write node at the end (galera-2, where the clients moved)
  rpoNode: 'primary',
});
