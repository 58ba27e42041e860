import { describe, expect, it } from 'vitest';
import { explainedHtml, explainedMarkdown, explainedOf } from './explained.js';

const ev = (object: string, severity: string) => ({
  database: 'storefront',
  object,
  kind: 'event-definition-differs',
  rule: 'event-disabled-on-replica',
  severity,
  finding: 'once this server is promoted the event does not run',
  advice: 'ALTER EVENT … ENABLE',
  cite: 'https://mariadb.com/kb/en/create-event/',
});
const checks = [
  {
    name: 'replica-1-schema-objects-equals-primary',
    valid: true,
    details: { explained: [ev('purge', 'info'), ev('nightly_close', 'warning')] },
  },
  { name: 'restored-schema-objects-equals-primary', valid: true, details: { explained: [ev('nightly_close', 'warning')] } },
  { name: 'restored-data-equals-primary', valid: true, details: {} },
];

describe('explained differences in the drill report', () => {
  it('lists each rule and object once, warnings first, with every check that met it', () => {
    expect(explainedOf({ checks })).toEqual([
      expect.objectContaining({
        object: 'nightly_close',
        severity: 'warning',
        checks: ['replica-1-schema-objects-equals-primary', 'restored-schema-objects-equals-primary'],
      }),
      expect.objectContaining({ object: 'purge', severity: 'info' }),
    ]);
    const md = explainedMarkdown({ checks }).join('\n');
    expect(md).toMatch(/## Explained differences \(not failures\)/);
    expect(md).toMatch(/\| warning \| storefront\.nightly_close \| event-disabled-on-replica \| once this server is promoted/);
    const html = explainedHtml({ checks }, (s) => String(s));
    expect(html).toContain('data-rule="event-disabled-on-replica" data-severity="warning"');
  });
  it('says nothing where no rule explained anything', () => {
    expect(explainedMarkdown({ checks: [checks[2]!] })).toEqual([]);
    expect(explainedHtml({ checks: [checks[2]!] }, String)).toBe('');
  });
});
