import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlavorId } from '../../core/index.js';
import { accountMutation, authMutation, definitionMutation, grantMutation, renderDump, rowMutation } from '../../sql/corpus/index.js';
import { literal } from '../../sql/corpus/render-tables.js';
import { ACCOUNT_KINDS, OBJECT_KINDS, authKindsOf, corpusArb, corpusFor, tableKindsOf } from './corpus.js';
import { foldName } from './names.js';

const FLAVORS: FlavorId[] = ['mariadb-10.11', 'mariadb-11.8', 'mysql-9.7'];

/** The statements of a dump outside its DELIMITER frames, split on `;` at line ends. */
const statements = (dump: string) =>
  dump
    .replace(/DELIMITER ;;\n[\s\S]*?\nDELIMITER ;\n/g, '')
    .split(/;\n/)
    .map((s) => s.replace(/^(--[^\n]*\n)+/, '').trim())
    .filter(Boolean);

describe('the generated corpus', () => {
  it('is the same for the same seed and flavor, and differs for another seed', () => {
    for (const f of FLAVORS) {
      expect(renderDump(corpusFor(f, 7))).toBe(renderDump(corpusFor(f, 7)));
      expect(renderDump(corpusFor(f, 7, { cover: true, rows: 3 }))).toBe(renderDump(corpusFor(f, 7, { cover: true, rows: 3 })));
      expect(renderDump(corpusFor(f, 8))).not.toBe(renderDump(corpusFor(f, 7)));
    }
  });

  it('reaches every case kind the flavor holds, drawn at random; cover holds them all at once', () => {
    for (const f of FLAVORS) {
      const seen = new Set<string>();
      for (const c of fc.sample(corpusArb(f, { rows: 0 }), { seed: 3, numRuns: 100 })) {
        for (const x of [...c.tables, ...c.objects, ...c.accounts]) seen.add(x.kind);
      }
      const all: string[] = [...tableKindsOf(f), 'fk-child', ...OBJECT_KINDS, ...ACCOUNT_KINDS, ...authKindsOf(f)];
      expect(all.filter((k) => !seen.has(k))).toEqual([]);
      const cover = corpusFor(f, 11, { cover: true });
      const kinds = new Set<string>([...cover.tables, ...cover.objects, ...cover.accounts].map((x) => x.kind));
      expect(all.filter((k) => !kinds.has(k))).toEqual([]);
    }
  }, 60_000);

  it('leaves out what a flavor cannot hold: no Aria, sequence, system versioning, period, INET6 or partitioned MyISAM on MySQL', () => {
    const my = renderDump(corpusFor('mysql-9.7', 5, { cover: true, rows: 2 }));
    expect(my).not.toMatch(/ENGINE=Aria|CREATE SEQUENCE|SYSTEM VERSIONING|PERIOD FOR| INET6|utf8mb4_nopad_bin|IDENTIFIED BY PASSWORD/);
    expect(my).toMatch(/utf8mb4_0900_bin/);
    expect(my).toMatch(/GEOMETRY NOT NULL SRID 0/);
    expect(my).not.toMatch(/ENGINE=MyISAM[^;]*\nPARTITION BY/);
    const maria = renderDump(corpusFor('mariadb-10.11', 5, { cover: true, rows: 2 }));
    expect(maria).toMatch(/ENGINE=Aria/);
    expect(maria).toMatch(/CREATE SEQUENCE/);
    expect(maria).toMatch(/WITH SYSTEM VERSIONING/);
    expect(maria).toMatch(/SET DEFAULT ROLE/);
  });

  it('MariaDB 10.5 holds no INET4 or UUID column (10.10 and 10.7): no network types table there, the rest as on 10.11', () => {
    expect(tableKindsOf('mariadb-10.5')).not.toContain('network-types');
    expect(tableKindsOf('mariadb-10.11')).toContain('network-types');
    const old = renderDump(corpusFor('mariadb-10.5', 5, { cover: true, rows: 2 }));
    expect(old).not.toMatch(/ INET4| UUID| INET6/);
    expect(old).toMatch(/WITH SYSTEM VERSIONING/);
    expect(old).toMatch(/CREATE SEQUENCE/);
  });

  it('renders statements that look valid: one value per column in every row, names distinct where the server folds them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FLAVORS).chain((f) => corpusArb(f)),
        (c) => {
          const dump = renderDump(c);
          for (const s of statements(dump).filter((x) => x.startsWith('INSERT INTO'))) {
            const cols = /^INSERT INTO `(?:[^`]|``)+` \(([^)]*)\) VALUES /.exec(s);
            expect(cols, s.slice(0, 200)).not.toBeNull();
          }
          for (const t of c.tables) {
            const folded = new Set(t.columns.map(foldName));
            expect(folded.size).toBe(t.columns.length);
            const width = t.rows[0]?.length;
            for (const r of t.rows) expect(r.length).toBe(width);
          }
          const names = c.tables.filter((t) => t.kind !== 'case-pair').map((t) => foldName(t.name));
          expect(new Set(names).size).toBe(names.length);
          const pair = c.tables.filter((t) => t.kind === 'case-pair');
          if (pair.length) {
            expect(pair[0]!.name).not.toBe(pair[1]!.name);
            expect(pair[0]!.name.toLowerCase()).toBe(pair[1]!.name.toLowerCase());
          }
          expect(dump.match(/^DELIMITER ;;$/gm)?.length ?? 0).toBe(dump.match(/^DELIMITER ;$/gm)?.length ?? 0);
          // accounts carry a stored hash at most, never a password
          expect(dump).not.toMatch(/IDENTIFIED BY '/);
          for (const d of c.databases) expect(d).not.toMatch(/^firedrill/i);
        },
      ),
      { seed: 19, numRuns: 60 },
    );
  }, 60_000);

  it('shrinks a failing corpus to the one case that fails, with the other kinds gone', () => {
    // A stand-in failure: any corpus holding a spatial table "fails".
    const r = fc.check(
      fc.property(corpusArb('mariadb-10.11'), (c) => !c.tables.some((t) => t.kind === 'spatial')),
      { seed: 23, numRuns: 200 },
    );
    expect(r.failed).toBe(true);
    const [minimal] = r.counterexample!;
    expect(minimal.tables.map((t) => t.kind)).toEqual(['spatial']);
    expect(minimal.objects).toEqual([]);
    expect(minimal.accounts.map((a) => a.kind)).toEqual(['localhost', 'host-name']);
  }, 60_000);

  it('names one mutation of each subject (row, definition, account, grant, authentication) on a covering corpus', () => {
    for (const f of FLAVORS) {
      const c = corpusFor(f, 29, { cover: true, rows: 3 });
      const m = [rowMutation(c), definitionMutation(c), accountMutation(c), grantMutation(c), authMutation(c)];
      expect(m.map((x) => x?.kind)).toEqual(['row', 'definition', 'account', 'grant', 'authentication']);
      const row = m[0]!;
      expect(c.tables.map((t) => t.name)).toContain(row.names);
      expect(row.sql[0]).toMatch(/^UPDATE .* SET .* WHERE /);
      expect(c.objects.map((o) => o.name)).toContain(m[1]!.names);
      expect(m[1]!.sql[1]).toMatch(/^CREATE OR REPLACE ALGORITHM=/);
    }
  });

  it("the row mutation compares a text column with text: a strict sql_mode makes `'' <=> 1` an error in an UPDATE (F30)", () => {
    // seed 1351360464: the first keyed table is a strings table whose CHAR column holds '' in the first row
    const c = corpusFor('mariadb-10.11', 1351360464, { cover: true, rows: 4, serverOptions: true });
    const sql = rowMutation(c)!.sql[0]!;
    expect(sql).toMatch(/ = IF\(`[^`]+` <=> '1', '2', '1'\) WHERE /);
    // a numeric column still compares with numbers (DECIMAL 1.000… <=> '1' would hold as text and change nothing)
    const all = corpusFor('mariadb-10.11', 29, { cover: true, rows: 3 });
    const numbers = { ...all, objects: [], tables: all.tables.filter((t) => t.kind === 'numbers') };
    expect(rowMutation(numbers)!.sql[0]).toMatch(/<=> 1, 2, 1\) WHERE /);
  });

  it('the row mutation leaves the fk-parent alone when an fk-child references its column ON UPDATE NO ACTION (F34)', () => {
    const all = corpusFor('mariadb-10.11', 29, { cover: true, rows: 3 });
    const fk = { ...all, objects: [], tables: all.tables.filter((t) => t.kind === 'fk-parent' || t.kind === 'fk-child') };
    expect(rowMutation(fk)).toBeNull();
    const parentOnly = { ...fk, tables: fk.tables.filter((t) => t.kind === 'fk-parent') };
    expect(rowMutation(parentOnly)?.names).toBe(parentOnly.tables[0]!.name);
  });

  it('writes values as a dump does: quotes, backslashes, NUL and newlines escaped, bytes as hex, WKT as geometry', () => {
    expect(literal("it's \\ back\0\n")).toBe("'it\\'s \\\\ back\\0\\n'");
    expect(literal(Buffer.from([0, 255]))).toBe("X'00ff'");
    expect(literal(Buffer.alloc(0))).toBe("''");
    expect(literal({ wkt: 'POINT(1 2)' })).toBe("ST_GeomFromText('POINT(1 2)')");
    expect(literal(null)).toBe('NULL');
    expect(literal('😀 ünï')).toBe("'😀 ünï'");
  });
});
