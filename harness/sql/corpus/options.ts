import { qualified, quoteId } from '../inspect.js';
import type { Caps } from './caps.js';
import type { Corpus, ServerOptionsCase } from './model.js';

/**
 * Server options that change behaviour (issue 19): the values a corpus draws from, per flavor, the my.cnf that sets
 * them (`--server-config`), and the objects whose behaviour they decide. Sources: MariaDB KB "SQL_MODE",
 * "lower_case_table_names", "mariadb-tzinfo-to-sql", "explicit_defaults_for_timestamp"; MySQL 9.7 reference manual
 * 7.1.11 "Server SQL Modes", 11.2.3 "Identifier Case Sensitivity", 7.1.15 "MySQL Server Time Zone Support".
 */

/** The sql_modes a server runs under: strict (each family's default), not strict, no zero dates, ANSI_QUOTES, and
 * PAD_CHAR_TO_FULL_LENGTH where the server still has it. */
export function sqlModesOf(caps: Caps): string[] {
  const strict =
    caps.family === 'mariadb'
      ? 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION'
      : 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';
  return [
    strict,
    '',
    'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE',
    'ANSI_QUOTES,STRICT_TRANS_TABLES',
    ...(caps.padCharToFullLength ? ['PAD_CHAR_TO_FULL_LENGTH'] : []),
  ];
}

/** Server default character sets with a collation of each (MySQL's utf8mb4 default is utf8mb4_0900_ai_ci). */
export function charsetsOf(caps: Caps): Array<{ characterSet: string; collation: string }> {
  return [
    { characterSet: 'utf8mb4', collation: caps.family === 'mariadb' ? 'utf8mb4_general_ci' : 'utf8mb4_0900_ai_ci' },
    { characterSet: 'latin1', collation: 'latin1_swedish_ci' },
    { characterSet: 'utf8mb3', collation: 'utf8mb3_general_ci' },
  ];
}

/** The my.cnf of a corpus's options, as a team's file sets them (the file `--server-config` takes). */
export function optionsCnf(o: ServerOptionsCase): string {
  return [
    '[mysqld]',
    `lower_case_table_names         = ${o.lowerCaseTableNames}`,
    `sql_mode                       = "${o.sqlMode}"`,
    `explicit_defaults_for_timestamp = ${o.explicitDefaultsForTimestamp ? 'ON' : 'OFF'}`,
    `character_set_server           = ${o.characterSet}`,
    `collation_server               = ${o.collation}`,
    '',
  ].join('\n');
}

/** A day whose local time in Europe/Paris differs from UTC by the summer-time change: CONVERT_TZ shows the zone tables. */
const TZ_ROWS = ["(1,'a','b ','2020-03-29 00:30:00','2020-03-29 00:30:00')", "(2,'xy','','2021-10-31 01:30:00','2021-10-31 01:30:00')"];

/**
 * The objects the options decide, in a database of their own: the database and the table are created without a
 * character set (they take the server's), the TIMESTAMP column without attributes (explicit_defaults_for_timestamp
 * decides NULL and its default), a CHAR column (read padded under PAD_CHAR_TO_FULL_LENGTH), and a view converting to
 * a named time zone (NULL without the time zone tables).
 */
export function renderOptionObjects(c: Corpus): string {
  const o = c.optionObjects;
  if (!c.options || !o) return '';
  return [
    `CREATE DATABASE /*!32312 IF NOT EXISTS*/ ${quoteId(o.db)};\nUSE ${quoteId(o.db)};\n`,
    `CREATE TABLE ${quoteId(o.table)} (\n  \`id\` INT NOT NULL,\n  \`fixed\` CHAR(10),\n  \`text\` VARCHAR(20),\n  \`stamp\` TIMESTAMP,\n  \`at\` DATETIME,\n  PRIMARY KEY (\`id\`)\n);\n`,
    `INSERT INTO ${quoteId(o.table)} VALUES ${TZ_ROWS.join(',')};\n`,
    `CREATE VIEW ${quoteId(o.view)} AS SELECT \`id\`, CONVERT_TZ(\`at\`, 'UTC', 'Europe/Paris') AS \`paris\` FROM ${qualified(o.db, o.table)};\n`,
  ].join('');
}
