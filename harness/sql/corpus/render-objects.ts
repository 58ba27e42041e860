import { qualified, quoteId } from '../inspect.js';
import type { Caps } from './caps.js';
import type { Corpus, ObjectCase } from './model.js';
import { literal } from './render-tables.js';

/**
 * Views, triggers, routines and events as a dump writes them: each with its DEFINER (an existing account, a host-name
 * account, or one that does not exist), routines under the sql_mode and character set they were created with.
 */

export const account = (a: { user: string; host: string }) => `${literal(a.user)}@${literal(a.host)}`;

function definerOf(o: ObjectCase, c: Corpus): string {
  const d = o.definer === 'existing' ? c.definers.existing : o.definer === 'host-name' ? c.definers.hostName : c.definers.missing;
  return `DEFINER=${account(d)}`;
}

/** The sql_modes routines are created under (ANSI_QUOTES changes how the body parses). */
const ROUTINE_MODES = [
  'ANSI_QUOTES,STRICT_ALL_TABLES',
  '',
  'STRICT_TRANS_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO',
  'PIPES_AS_CONCAT',
];
const NAMES = ['utf8mb4', 'utf8mb3', 'latin1'];

/** A view's statement (the first column of the table it reads is numeric or a string; `> ''` works for both). */
export function createView(o: ObjectCase, c: Corpus): string {
  const cols = o.on.columns.slice(0, 2).map(quoteId).join(', ');
  const from = qualified(o.on.db, o.on.name);
  const head = (alg: string, sec: string) => `CREATE ALGORITHM=${alg} ${definerOf(o, c)} SQL SECURITY ${sec} VIEW ${quoteId(o.name)}`;
  if (o.kind === 'view-merge-check')
    return `${head('MERGE', 'INVOKER')} AS SELECT ${cols} FROM ${from} WHERE ${quoteId(o.on.columns[0]!)} IS NOT NULL WITH CASCADED CHECK OPTION;\n`;
  if (o.kind === 'view-temptable')
    return `${head('TEMPTABLE', 'DEFINER')} AS SELECT COUNT(*) AS ${quoteId('rows')}, MAX(${quoteId(o.on.columns[0]!)}) AS ${quoteId('top')} FROM ${from};\n`;
  return `${head('UNDEFINED', 'DEFINER')} AS SELECT ${cols} FROM ${from} WITH LOCAL CHECK OPTION;\n`;
}

/** Statements between `DELIMITER ;;` and `DELIMITER ;` (triggers, routines, events), as mysqldump frames them. */
function createProgram(o: ObjectCase, c: Corpus, variant: number): string {
  const col = quoteId(o.on.columns[0]!);
  const on = qualified(o.on.db, o.on.name);
  const def = definerOf(o, c);
  switch (o.kind) {
    case 'triggers-ordered': {
      const n = (s: string) => quoteId(`${o.name.slice(0, 60)}_${s}`);
      return [
        `CREATE ${def} TRIGGER ${n('a')} BEFORE INSERT ON ${on} FOR EACH ROW SET @corpus_a = NEW.${col} ;;`,
        `CREATE ${def} TRIGGER ${n('b')} BEFORE INSERT ON ${on} FOR EACH ROW FOLLOWS ${n('a')} SET @corpus_b = NEW.${col} ;;`,
        `CREATE ${def} TRIGGER ${n('c')} BEFORE INSERT ON ${on} FOR EACH ROW PRECEDES ${n('a')} SET @corpus_c = NEW.${col} ;;`,
        `CREATE ${def} TRIGGER ${n('u')} AFTER UPDATE ON ${on} FOR EACH ROW BEGIN\n  SET @corpus_u = OLD.${col};\nEND ;;`,
      ].join('\n');
    }
    case 'procedure-sql-mode': {
      const mode = ROUTINE_MODES[variant % ROUTINE_MODES.length]!;
      const ref = mode.includes('ANSI_QUOTES') ? `"${o.on.columns[0]!.replace(/"/g, '""')}"` : col;
      return [
        `SET SESSION sql_mode = ${literal(mode)} ;;`,
        `CREATE ${def} PROCEDURE ${quoteId(o.name)}(IN lim INT, OUT n BIGINT)\n  READS SQL DATA SQL SECURITY INVOKER COMMENT 'corpus: ${mode || 'no mode'}'\nBEGIN\n  SELECT COUNT(${ref}) INTO n FROM ${on} LIMIT 1;\nEND ;;`,
        'SET SESSION sql_mode = @corpus_mode ;;',
      ].join('\n');
    }
    case 'function-charset': {
      const names = NAMES[variant % NAMES.length]!;
      return [
        `SET NAMES ${names} ;;`,
        `CREATE ${def} FUNCTION ${quoteId(o.name)}(s VARCHAR(20) CHARSET latin1) RETURNS VARCHAR(40) CHARSET utf8mb4\n  DETERMINISTIC NO SQL\nRETURN CONCAT(s, '-', CHAR_LENGTH(s)) ;;`,
        'SET NAMES utf8mb4 ;;',
      ].join('\n');
    }
    case 'event-enabled': {
      const schedule =
        variant % 2 === 0
          ? "EVERY 1 DAY STARTS '2037-01-01 00:00:00' ENDS '2037-12-31 00:00:00'"
          : "EVERY 1 HOUR STARTS '2020-01-01 00:00:00'";
      return `CREATE ${def} EVENT ${quoteId(o.name)} ON SCHEDULE ${schedule} ON COMPLETION PRESERVE ENABLE COMMENT 'corpus' DO SET @corpus_e = 1 ;;`;
    }
    case 'event-disabled':
      return `CREATE ${def} EVENT ${quoteId(o.name)} ON SCHEDULE AT '2037-06-01 00:00:00' ON COMPLETION PRESERVE DISABLE DO SET @corpus_d = 2 ;;`;
    default:
      throw new Error(`corpus: ${o.kind} is not a program`);
  }
}

export const isView = (o: ObjectCase) => o.kind.startsWith('view-');

/** The objects of one database (views first; the programs in one DELIMITER frame). */
export function renderObjects(objects: readonly ObjectCase[], c: Corpus, _caps: Caps): string {
  const views = objects.filter(isView).map((o) => createView(o, c));
  const programs = objects.filter((o) => !isView(o)).map((o) => createProgram(o, c, o.variant));
  if (!programs.length) return views.join('');
  return `${views.join('')}SET @corpus_mode = @@SESSION.sql_mode;\nDELIMITER ;;\n${programs.join('\n')}\nDELIMITER ;\n`;
}
