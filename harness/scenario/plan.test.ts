import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/index.js';
import { findScenario, loadScenarios } from './catalog.js';
import { MARIADB_FLAVORS } from './define.js';
import { checkTableParams, planDrill, resolveParams } from './plan.js';

describe('scenario catalog and parameters', () => {
  it('lists the contract scenario ids', async () => {
    const ids = (await loadScenarios()).map((s) => s.id);
    for (const id of [
      'replica-kill-restore',
      'replicas-die-one-by-one',
      'replica-crash-loop',
      'galera-datadir-wiped',
      'galera-quorum-loss',
      'multi-source-replica-rebuild',
      'replica-partition',
      'replica-pause',
      'errant-write',
      'pitr-accidental-drop',
      'logical-restore',
      'snapshot-restore',
      'clone-restore',
      'encrypted-artifact-tamper',
      'restore-without-binlogs',
      'pre-upgrade',
    ])
      expect(ids).toContain(id);
  });
  it('refuses an unknown scenario with the known ids', async () => {
    await expect(findScenario('nope')).rejects.toThrow(UsageError);
    await expect(findScenario('nope')).rejects.toThrow(/known: .*replica-kill-restore/);
  });
  it('fills defaults and refuses unknown or out-of-range parameters', async () => {
    const s = await findScenario('replica-kill-restore');
    expect(resolveParams(s)).toEqual({ bulkMb: 100 });
    expect(resolveParams(s, { bulkMb: 5 })).toEqual({ bulkMb: 5 });
    expect(() => resolveParams(s, { rows: 1 })).toThrow(/no parameter 'rows'/);
    expect(() => resolveParams(s, { bulkMb: -1 })).toThrow(/out of range/);
  });
  it('refuses a flavor the scenario does not run on, and bad parameters, before asking the engine', async () => {
    const galera = await findScenario('galera-quorum-loss');
    await expect(planDrill(galera, 'mysql-9.7', {}, () => {})).rejects.toThrow(
      // every flavor that can run Galera, whatever FLAVORS holds
      `does not run on mysql-9.7 (supported: ${[...MARIADB_FLAVORS].join(', ')})`,
    );
    await expect(planDrill(galera, 'mariadb-10.11', { rows: 1 }, () => {})).rejects.toThrow(UsageError);
  });
});

describe('string parameters', () => {
  const s = {
    id: 's',
    params: {
      bulkMb: { default: 1, description: 'mb', min: 0 },
      dropTable: { type: 'string', default: 'auto', description: 't', pattern: /^(auto|[^.\s]+\.[^.\s]+)$/ },
    },
  } as unknown as Parameters<typeof resolveParams>[0];
  it('takes strings where the spec says so and checks them', () => {
    expect(resolveParams(s, { dropTable: 'shop.orders', bulkMb: '3' })).toEqual({ bulkMb: 3, dropTable: 'shop.orders' });
    expect(resolveParams(s)).toEqual({ bulkMb: 1, dropTable: 'auto' });
    expect(() => resolveParams(s, { dropTable: 'orders' })).toThrow(/dropTable='orders' is not valid/);
    expect(() => resolveParams(s, { bulkMb: 'lots' })).toThrow(/bulkMb=lots is not a number/);
  });
});

describe('table parameters against the dataset, before anything starts', () => {
  const own = { schema: 'firedrill', admin: 'firedrill', repl: 'firedrill_repl' } as unknown as Parameters<typeof checkTableParams>[3];
  const dataset = {
    name: 'corpus.sql',
    tables: ['app.orders', 'app.order lines', 'app.log-book', 'app.pairs'],
    primaryKeys: { 'app.orders': 1, 'app.order lines': 2, 'app.log-book': 0, 'app.pairs': 1 },
  } as unknown as Parameters<typeof checkTableParams>[2];
  const plan = (def: Awaited<ReturnType<typeof findScenario>>, p: Record<string, string>) =>
    checkTableParams(def, resolveParams(def, p), dataset, own);

  it('takes names with spaces and hyphens, and a named table of the dataset', async () => {
    const pitr = await findScenario('pitr-accidental-drop');
    expect(() => plan(pitr, { dropTable: 'app.order lines' })).not.toThrow();
    expect(() => plan(pitr, { dropTable: 'app.log-book' })).not.toThrow();
    expect(() => plan(pitr, { dropTable: 'auto' })).not.toThrow();
  });

  it('refuses a table the dataset does not have, naming the parameter to set (exit 2, one line)', async () => {
    const pitr = await findScenario('pitr-accidental-drop');
    const e = (() => {
      try {
        plan(pitr, { dropTable: 'sakila.payment' });
      } catch (x) {
        return x as Error;
      }
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect(e!.message).toMatch(
      /^parameter dropTable=sakila\.payment: dataset corpus\.sql has no table sakila\.payment \(it has app\.orders, /,
    );
    expect(e!.message).toMatch(/set --param dropTable=db\.table to another table, or dropTable=auto$/);
    expect(e!.message).not.toContain('\n');
  });

  it('refuses an errant-write table without a one-column primary key before anything starts', async () => {
    const errant = await findScenario('errant-write');
    expect(() => plan(errant, { errantTable: 'app.orders' })).not.toThrow();
    expect(() => plan(errant, { errantTable: 'app.log-book' })).toThrow(
      /errantTable=app\.log-book: errant-write deletes a row by its one-column primary key and app\.log-book has no primary key; set --param errantTable=db\.table to another table with a one-column primary key, or errantTable=auto/,
    );
    expect(() => plan(errant, { errantTable: 'app.order lines' })).toThrow(/has a 2-column primary key/);
    // firedrill's own tables are not the dataset's
    expect(() => plan(errant, { errantTable: 'firedrill_targets.items' })).not.toThrow();
  });
});
