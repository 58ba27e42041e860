import { describe, expect, it } from 'vitest';
import { readCheckTable } from './check-table.js';

const row = (Msg_type: string, Msg_text: string) => ({ Table: 'db.t', Op: 'check', Msg_type, Msg_text });

describe('readCheckTable', () => {
  it('a MEMORY table or a SEQUENCE (the lone note that the engine cannot check) is unchecked, not ok and not an error', () => {
    const r = readCheckTable([row('note', "The storage engine for the table doesn't support check")]);
    expect(r).toEqual({ status: 'unchecked', messages: ["note: The storage engine for the table doesn't support check"] });
  });

  it('a clean table is ok', () => {
    expect(readCheckTable([row('status', 'OK')]).status).toBe('ok');
  });

  it('a damaged table is still an error, also when a note that the engine cannot check comes with it', () => {
    expect(readCheckTable([row('error', 'Table is marked as crashed'), row('status', 'Operation failed')]).status).toBe('error');
    expect(readCheckTable([row('note', "The storage engine for the table doesn't support check"), row('error', 'Corrupt')]).status).toBe(
      'error',
    );
    expect(readCheckTable([row('warning', 'Table is marked as crashed'), row('status', 'Corrupt')]).status).toBe('error');
  });

  it('another lone note, or no answer at all, is not taken for "cannot check"', () => {
    expect(readCheckTable([row('note', 'Something else')]).status).toBe('error');
    expect(readCheckTable([]).status).toBe('error');
  });
});
