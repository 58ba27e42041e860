/**
 * The run's log: every progress line also goes to reports/<run-id>/drill.log with a timestamp that carries its zone;
 * with --verbose, every command firedrill runs (argv, redacted) is logged too.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactArgv } from './provenance.js';

const pad = (n: number, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0');

/** The local zone's offset of a moment as ISO 8601 ("Z" for UTC, else "+09:00"). */
function zoneOffset(ms: number): string {
  const off = -new Date(ms).getTimezoneOffset();
  return off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`;
}

/** 2026-11-29T15:53:11.123+09:00: local wall time with its zone, so the line means one instant anywhere. */
export function zonedTimestamp(ms: number = Date.now()): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${zoneOffset(ms)}`;
}

/** The short form for a terminal: 15:53:11+09:00. */
export function consoleTime(ms: number = Date.now()): string {
  return zonedTimestamp(ms).slice(11, 19) + zoneOffset(ms);
}

export class DrillLog {
  private opened = false;
  private readonly pending: string[] = [];
  constructor(readonly path: string) {}

  /** Appends one line (synchronously: the log must hold everything up to a crash or a signal). */
  line(message: string, at: number = Date.now()): void {
    const text =
      message
        .split('\n')
        .map((l, i) => `${i === 0 ? zonedTimestamp(at) : ' '.repeat(29)} ${l}`)
        .join('\n') + '\n';
    try {
      if (!this.opened) {
        mkdirSync(dirname(this.path), { recursive: true });
        this.opened = true;
      }
      appendFileSync(this.path, text);
    } catch {
      this.pending.push(text); // an unwritable report folder must not end the drill; the console still has it
    }
  }

  /** Logs a command line (argv, with anything that looks like a secret replaced by ***); returns the line. */
  command(argv: readonly string[], at: number = Date.now()): string {
    const text = `$ ${redactArgv(argv)
      .map((a) => (/^[\w@%+=:,./*-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
      .join(' ')}`;
    this.line(text, at);
    return text;
  }
}
