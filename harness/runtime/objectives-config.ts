/**
 * The `objectives` of firedrill.config.json: recovery objectives per drill (`default` for all), validated when the
 * config is read (bad input: one line, exit 2). Judging measured figures against them is the report's.
 */

export interface Objectives {
  /** Longest acceptable recovery (the sum of the recovery phases), seconds; null: not judged. */
  rtoSeconds: number | null;
  /** Most acknowledged writes the recovered node may lack; null: not judged. */
  rpoWrites: number | null;
  /** Longest span of acknowledged writes the recovered node may lack, seconds; null: not judged. */
  rpoSeconds: number | null;
}

export type ObjectivesConfig = Readonly<Record<string, Partial<Objectives>>>;

export const OBJECTIVE_KEYS = ['rtoSeconds', 'rpoWrites', 'rpoSeconds'] as const;

/** Validates the config's `objectives` value; returns an error message or the parsed objectives. */
export function parseObjectives(raw: unknown, source: string): ObjectivesConfig | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return `${source}: 'objectives' must map 'default' or drill ids to {rtoSeconds, rpoWrites, rpoSeconds}`;
  const out: Record<string, Partial<Objectives>> = {};
  for (const [drill, o] of Object.entries(raw)) {
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      return `${source}: objectives.${drill} must be an object like {"rtoSeconds": 600}`;
    const entry: Partial<Objectives> = {};
    for (const [k, v] of Object.entries(o)) {
      if (!(OBJECTIVE_KEYS as readonly string[]).includes(k))
        return `${source}: objectives.${drill}: unknown key '${k}' (known: ${OBJECTIVE_KEYS.join(', ')})`;
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
        return `${source}: objectives.${drill}.${k} must be a number >= 0 or null`;
      entry[k as keyof Objectives] = v as number | null;
    }
    out[drill] = entry;
  }
  return out;
}
