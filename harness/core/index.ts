// The ground floor: pure values every other folder may import (flavors and their families, GTID algebra, the
// bad-input error). Nothing here starts a process, opens a connection or imports another harness folder.
export { UsageError } from './errors.js';
export { FLAVORS, DEFAULT_FLAVOR, isFlavorId, flavor, familyOfVersion, flavorOfSeries, seriesOf } from './flavors.js';
export type { Family, Flavor, FlavorId } from './flavors.js';
export { nextVersion, upgradePath } from './upgrade-path.js';
export type { UpgradeStep } from './upgrade-path.js';
export { mariadbGtid, mysqlGtid } from './gtid-algebra.js';
export type { GtidAlgebra } from './gtid-algebra.js';
export * from './gtid.js';
export * as mysqlGtidSet from './gtid-mysql.js';
export { seeded } from './seeded.js';
export type { ColumnType } from './column-type.js';
export { timePhase } from './phases.js';
export { generatedKeyFile, keyIdsOf, RUN_KEY_DIR, RUN_KEY_FILE, RUN_KEY_IDS } from './key-file.js';
export type { PhaseRecord } from './phases.js';
export {
  canonicalOption,
  isServerGroup,
  optionsOf,
  parseOptionText,
  parseSingleOptionFile,
  variableOf,
} from './option-file.js';
export type { OptionLine, ParsedOptionText } from './option-file.js';
