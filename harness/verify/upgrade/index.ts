export { goNoGo, goNoGoMarkdown, type Finding, type GoNoGo, type Severity } from './findings.js';
export { parseOptionFile, serverOptions, normalise, variableOf, type ConfigOption } from './config-file.js';
export { loadRuleSet, parseRuleSet, RULES_DIR, type Rule, type RuleSet } from './rules.js';
export { readInventory, type Inventory, type SqlTarget } from './inventory.js';
export { incompatibilityReport, codeOnly, lineOf, type IncompatInput } from './incompat.js';
export { parseQueries, parseSlowLog, parseGeneralLog, splitStatements, isRead, type LoggedQuery } from './query-log.js';
export { replayQueries, ordersRows, type ReplayOptions, type ReplayReport, type ReplaySide } from './replay.js';
