#!/usr/bin/env node
// firedrill's command-line entry: runs the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../harness/cli/main.ts');
const code = await main(process.argv.slice(2));
// Everything a run started has been torn down and its report written by now: exit with the verdict's code rather
// than wait for a stray timer of a drill abandoned by an interrupt (stdout and stderr are synchronous on Linux).
process.exit(code);
