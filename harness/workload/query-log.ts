/**
 * The team's queries, from the server's own log formats or a file of statements: the slow query log (`# Time:`,
 * `# User@Host:`, `# Query_time:` headers, `use db;`, `SET timestamp=…;`, then the statement) and the general
 * query log (`<time> <id> Query <statement>` with continuation lines; `Init DB` and `Connect … on db` give the
 * current database per connection).
 */
export interface LoggedQuery {
  sql: string;
  db?: string;
  source: string;
  /** The connection (thread id) that ran it: a general log names one per statement. */
  session?: string;
}

/** Splits a text of SQL statements on `;` outside strings, quoted identifiers and comments; `DELIMITER` is honoured. */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let delim = ';';
  let cur = '';
  let i = 0;
  while (i < text.length) {
    const atLineStart = cur.trim() === '';
    if (atLineStart) {
      const m = /^\s*DELIMITER\s+(\S+)[^\n]*\n?/i.exec(text.slice(i));
      if (m) {
        delim = m[1]!;
        i += m[0].length;
        cur = '';
        continue;
      }
    }
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && c !== '`' ? 2 : 1;
      cur += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const j = text.indexOf('*/', i + 2);
      const end = j < 0 ? text.length : j + 2;
      cur += text.slice(i, end);
      i = end;
      continue;
    }
    if (text.startsWith('-- ', i) || c === '#') {
      const j = text.indexOf('\n', i);
      i = j < 0 ? text.length : j;
      continue;
    }
    if (text.startsWith(delim, i)) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      i += delim.length;
      continue;
    }
    cur += c;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The lines a server writes at the top of its log files (and again after each restart). */
const HEADER = /^\S*(mariadbd|mysqld)[^,]*, Version:|^Tcp port:|^Time\s+Id\s+Command/;

const stripComments = (s: string) => s.replace(/^\s*\/\*[\s\S]*?\*\/\s*/, '').trim();

export function parseSlowLog(text: string, source = 'slow log'): LoggedQuery[] {
  const out: LoggedQuery[] = [];
  let db: string | undefined;
  let body: string[] = [];
  const flush = () => {
    for (const s of splitStatements(body.join('\n'))) {
      const use = /^use\s+`?([^`;\s]+)`?$/i.exec(s);
      if (use) {
        db = use[1];
        continue;
      }
      if (/^SET\s+timestamp\s*=/i.test(s)) continue;
      out.push({ sql: stripComments(s), db, source });
    }
    body = [];
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#')) {
      if (body.length) flush();
      const schema = /Schema: (\S*)/.exec(line);
      if (schema) db = schema[1] || undefined;
      continue;
    }
    if (HEADER.test(line)) continue;
    body.push(line);
  }
  flush();
  return out;
}

export function parseGeneralLog(text: string, source = 'general log'): LoggedQuery[] {
  const out: LoggedQuery[] = [];
  const dbOf = new Map<string, string>();
  let cur: { id: string; cmd: string; arg: string } | undefined;
  const flush = () => {
    if (!cur) return;
    const { id, cmd, arg } = cur;
    if (cmd === 'Init DB') dbOf.set(id, arg.trim());
    else if (cmd === 'Connect') {
      const m = / on (\S+) using /.exec(` ${arg} `);
      if (m) dbOf.set(id, m[1]!);
      else dbOf.delete(id);
    } else if (cmd === 'Query' || cmd === 'Execute') {
      const use = /^use\s+`?([^`;\s]+)`?;?$/i.exec(arg.trim());
      if (use) dbOf.set(id, use[1]!);
      else if (arg.trim()) out.push({ sql: stripComments(arg.trim().replace(/;$/, '')), db: dbOf.get(id), source, session: id });
    }
    cur = undefined;
  };
  // "<date time>\t   <id> <Command>\t<arg>" or "\t\t   <id> <Command>\t<arg>" (same second); MySQL: "<iso>Z\t<id> <Command>\t<arg>".
  const entry =
    /^(?:\S+(?:\s+\S+)?)?\s*\t\s*(\d+)\s+(Query|Connect|Init DB|Quit|Execute|Prepare|Close stmt|Field List|Statistics|Ping|Shutdown|Kill|Refresh|Change user)\t?(.*)$/;
  for (const line of text.split(/\r?\n/)) {
    const m = entry.exec(line);
    if (m) {
      flush();
      cur = { id: m[1]!, cmd: m[2]!, arg: m[3] ?? '' };
      continue;
    }
    if (HEADER.test(line)) continue;
    if (cur) cur.arg += '\n' + line;
  }
  flush();
  return out;
}

/** Reads a queries file: a slow log, a general log, or plain SQL statements, told apart by their headers. */
export function parseQueries(text: string, source: string): LoggedQuery[] {
  if (/^# (Time|User@Host|Query_time):/m.test(text)) return parseSlowLog(text, source);
  if (/^Time\s+Id\s+Command\s+Argument/m.test(text) || /^\S*\s*\t\s*\d+\s+(Query|Connect)\t/m.test(text))
    return parseGeneralLog(text, source);
  let db: string | undefined;
  const out: LoggedQuery[] = [];
  for (const s of splitStatements(text)) {
    const use = /^use\s+`?([^`;\s]+)`?$/i.exec(s);
    if (use) {
      db = use[1];
      continue;
    }
    out.push({ sql: s, db, source });
  }
  return out;
}

/** Reads (SELECT, WITH, SHOW, EXPLAIN, VALUES, TABLE, DESCRIBE) versus anything else, which is a write. */
export function isRead(sql: string): boolean {
  return (
    /^\s*(\(\s*)?(SELECT|WITH|SHOW|VALUES|TABLE|DESC|DESCRIBE|EXPLAIN)\b/i.test(sql) &&
    !/\bINTO\s+(OUTFILE|DUMPFILE)\b/i.test(sql) &&
    !/\bFOR\s+UPDATE\b/i.test(sql)
  );
}

/** Writes that a transaction can undo (DML); DDL and the like commit implicitly and are never replayed. */
export function isTransactionalWrite(sql: string): boolean {
  return /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql);
}

/** Blanks string literals, quoted identifiers and comments (same length, newlines kept) so words are found only in code. */
export function codeOnly(sql: string): string {
  return sql.replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`|\/\*[\s\S]*?\*\/|(?:--\s|#)[^\n]*/g, (m) =>
    m.replace(/[^\n]/g, ' '),
  );
}

/** True when the statement's outermost level has an ORDER BY: its row order is part of its result. */
export function ordersRows(sql: string): boolean {
  const code = codeOnly(sql);
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /^ORDER\s+BY\b/i.test(code.slice(i, i + 12)) && /\W/.test(code[i - 1] ?? ' ')) return true;
  }
  return false;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An identifier as a statement may write it: back-quoted, or bare when it is a plain word. */
const idForms = (name: string) => {
  const quoted = `\`${escapeRe(name.replace(/`/g, '``'))}\``;
  return /^[A-Za-z0-9_$]+$/.test(name) ? `(?:${quoted}|(?<![\\w$\`])${escapeRe(name)}(?![\\w$]))` : quoted;
};

/**
 * Whether a statement reads or writes the table `db`.`table`: named qualified anywhere, or unqualified after FROM,
 * JOIN, UPDATE or INTO when the statement's default database is `db` (string literals and comments are not looked in).
 */
export function namesTable(sql: string, db: string, table: string, defaultDb: string | undefined): boolean {
  const code = sql.replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|\/\*[\s\S]*?\*\/|(?:--\s|#)[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
  if (new RegExp(`${idForms(db)}\\s*\\.\\s*${idForms(table)}`).test(code)) return true;
  // names are compared as the server does on Linux (case matters: two tables may differ in case only); keywords are not
  const keyword = ['FROM', 'JOIN', 'UPDATE', 'INTO'].map((k) => [...k].map((c) => `[${c}${c.toLowerCase()}]`).join('')).join('|');
  return defaultDb === db && new RegExp(`\\b(?:${keyword})\\s+${idForms(table)}(?!\\s*\\.)`).test(code);
}
