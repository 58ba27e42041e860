import type { UpgradeCategory } from './rules.js';

/** How much a finding weighs in the go/no-go. */
export type Severity = 'blocking' | 'warning' | 'info';

/** One finding of a pre-upgrade run (the type alone: findings.ts judges them, way-back.ts makes some). */
export interface Finding {
  severity: Severity;
  /** Which part found it. */
  source: 'incompatibility' | 'replay' | 'rolling-upgrade' | 'way-back';
  /**
   * The incompatibility report's findings: the category of MySQL Shell's upgrade checker the rule belongs to (rules.ts
   * UPGRADE_CATEGORIES). The replay's and the rolling upgrade's findings have none: they are grouped by their part.
   */
  category?: UpgradeCategory;
  /** The rule (incompatibility), or the kind of difference (replay: result, error, warnings, time, plan). */
  kind: string;
  /** What it is about: `file:line` of a config option, `db.object` (+ line), an account, a query. */
  where: string;
  message: string;
  /** Release notes the rule comes from, or the server's own answer that proves it. */
  cite?: string;
  /** The documentation address in `cite` (set by goNoGo), for tools reading `--json`. */
  link?: string;
  evidence?: Record<string, unknown>;
}
