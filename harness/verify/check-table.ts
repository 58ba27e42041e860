/**
 * What CHECK TABLE's answer says about one table. A MEMORY table and a SEQUENCE answer with a lone note, "The storage
 * engine for the table doesn't support check": the table was not checked at all. That is neither damage nor a pass:
 * such a table is reported as unchecked, with the server's reason.
 */

type CheckTableStatus = 'ok' | 'error' | 'unchecked';

export interface CheckTableAnswer {
  status: CheckTableStatus;
  /** Every row as `type: text`. */
  messages: string[];
}

const UNSUPPORTED = /doesn't support check/i;

/** Reads CHECK TABLE's rows: ok when the last status row says OK and no row is an error; unchecked when the engine
 * says it cannot check (notes only, one of them that); anything else is an error. */
export function readCheckTable(rows: ReadonlyArray<{ Msg_type: unknown; Msg_text: unknown }>): CheckTableAnswer {
  const messages = rows.map((r) => `${String(r.Msg_type)}: ${String(r.Msg_text)}`);
  const type = (r: { Msg_type: unknown }) => String(r.Msg_type).toLowerCase();
  const last = rows[rows.length - 1];
  if (rows.some((r) => type(r) === 'error')) return { status: 'error', messages };
  if (last && type(last) === 'status' && String(last.Msg_text) === 'OK') return { status: 'ok', messages };
  if (rows.length > 0 && rows.every((r) => type(r) === 'note') && rows.some((r) => UNSUPPORTED.test(String(r.Msg_text))))
    return { status: 'unchecked', messages };
  return { status: 'error', messages };
}
