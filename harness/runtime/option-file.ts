/**
 * Option files read from disk, through the one option-file parser (harness/core/option-file.ts): one file whole for
 * `--server-config` (its includes refused: firedrill copies that one file into containers), or a file as the server
 * reads it, `!include` and `!includedir` followed (each file once; `!includedir` reads its `.cnf` files in order).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type OptionLine, parseOptionText, parseSingleOptionFile, type ParsedOptionText, UsageError } from '../core/index.js';

/** A `--server-config` file: its absolute path, its text, and the text parsed (bad input: exit 2 naming the line). */
export async function readSingleOptionFile(path: string): Promise<{ path: string; text: string; parsed: ParsedOptionText }> {
  const p = resolve(path);
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch (e) {
    throw new UsageError(`--server-config ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { path: p, text, parsed: parseSingleOptionFile(text, p) };
}

/** An option and the file it was read from. */
export interface FileOption extends OptionLine {
  file: string;
}

/** Every option a server reads from this file and the files it includes, in the server's order. */
export function readOptionFileTree(path: string, seen = new Set<string>()): FileOption[] {
  const file = resolve(path);
  if (seen.has(file)) return [];
  seen.add(file);
  const out: FileOption[] = [];
  for (const e of parseOptionText(readFileSync(file, 'utf8')).entries) {
    if (e.kind === 'option') {
      const { kind: _, ...o } = e;
      out.push({ ...o, file });
    }
    if (e.kind !== 'include') continue;
    const target = resolve(dirname(file), e.target);
    if (e.directive === '!include') out.push(...readOptionFileTree(target, seen));
    else
      for (const f of readdirSync(target)
        .filter((n) => n.endsWith('.cnf'))
        .sort())
        out.push(...readOptionFileTree(join(target, f), seen));
  }
  return out;
}
