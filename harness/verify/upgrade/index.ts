export { findingGroups, goNoGo, goNoGoMarkdown, groupCounts, type Finding, type GoNoGo } from './findings.js';
export { optionsOfText, parseOptionFile, serverOptions, type ConfigOption } from './config-file.js';
export { loadRuleSet } from './rules.js';
export { readInventory } from './inventory.js';
export { incompatibilityReport } from './incompat.js';
export { replayQueries } from './replay.js';
export { replaySessionsOnBoth } from './concurrent-replay.js';
export { wayBackFindings, wayBackLines, type WayBack } from './way-back.js';
