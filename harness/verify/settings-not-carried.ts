/**
 * Settings of a definition a backup method cannot carry (myloader re-creates triggers, routines and events under its own
 * sql_mode and time zone): compared without them, the definitions' text still is, and the check names what was left
 * out (a warning in its details), never a silent pass.
 */
import type { CheckResult } from './check.js';

export interface SettingsLimit {
  /** Object keys ("PROCEDURE db.p") whose settings are not compared. */
  objects: readonly string[];
  /** Names in the settings comment snapshot.ts appends (`/* sql_mode=…; time_zone=… *\/`). */
  settings: readonly string[];
  reason: string;
  /** The method adds blanks at the ends of the lines of these objects' texts: compared without blanks at line ends. */
  lineEnds?: boolean;
  /** Objects the method cannot re-create at all (named before with their own reason): not compared, present or not. */
  notRecreated?: { objects: readonly string[]; reason: string };
}

/** A definition with the named settings taken out of its trailing settings comment. */
export function withoutSettings(definition: string, settings: readonly string[]): string {
  const m = /\n\/\* (.*) \*\/$/.exec(definition);
  if (!m) return definition;
  const kept = m[1]!.split('; ').filter((p) => !settings.includes(p.slice(0, p.indexOf('='))));
  return definition.slice(0, m.index) + (kept.length ? `\n/* ${kept.join('; ')} */` : '');
}

/** Both sides' definitions with the limit's settings left out of its objects. */
export function setSettingsAside(
  expected: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string>>,
  limit: SettingsLimit | undefined,
): [Record<string, string>, Record<string, string>] {
  if (!limit) return [{ ...expected }, { ...actual }];
  const gone = new Set(limit.notRecreated?.objects ?? []);
  const strip = (defs: Readonly<Record<string, string>>) =>
    Object.fromEntries(
      Object.entries(defs)
        .filter(([k]) => !gone.has(k))
        .map(([k, v]) => [
          k,
          limit.objects.includes(k) ? withoutSettings(limit.lineEnds ? v.replace(/[ \t]+$/gm, '') : v, limit.settings) : v,
        ]),
    );
  return [strip(expected), strip(actual)];
}

/** The objects check with the limit named in its details (its verdict is the comparison's without those settings). */
export const namedSettingsLimit = (c: CheckResult, limit: SettingsLimit | undefined): CheckResult =>
  !limit
    ? c
    : {
        ...c,
        details: {
          ...c.details,
          settingsNotCarried: { objects: limit.objects, settings: limit.settings, reason: limit.reason },
          ...(limit.notRecreated ? { notRecreated: limit.notRecreated } : {}),
          warning: [
            `${limit.settings.join(' and ')} not carried by the method, not compared: ${limit.objects.join(', ')}`,
            ...(limit.notRecreated ? [`not re-created by the method, not compared: ${limit.notRecreated.objects.join(', ')}`] : []),
          ].join('; '),
        },
      };
