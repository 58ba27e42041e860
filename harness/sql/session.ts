import type { Statement } from './dialect.js';

/**
 * The harness's own sessions read values as the server stores them. PAD_CHAR_TO_FULL_LENGTH (MariaDB; MySQL 8.0
 * deprecated it and 9.x removed it) pads every CHAR value to its full length when it is read: the account names of
 * mysql.global_priv (CHAR(128)) read as `name<spaces>`, which no SHOW GRANTS FOR finds, and a CHAR column's values
 * read unlike those of a server without the mode. The session's sql_mode keeps the server's, without that one mode.
 * Source: https://mariadb.com/kb/en/sql-mode/#pad_char_to_full_length
 */
export const withoutCharPadding = (): Statement => ({
  sql: "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(REPLACE(@@SESSION.sql_mode, 'PAD_CHAR_TO_FULL_LENGTH', ''), ',,', ','))",
});
