import { describe, expect, it } from 'vitest';
import { dropPeersRules } from './packet-filter.js';

describe("a node's packet filter against its peers", () => {
  it("drops each peer's packets both ways and nothing else (the host, where the clients run, still reaches it)", () => {
    const rules = dropPeersRules([
      { name: 'replica-1', address: '172.30.0.3' },
      { name: 'replica-2', address: '172.30.0.4' },
    ]);
    expect(rules.split('\n').filter((l) => l.startsWith('-A'))).toEqual([
      '-A INPUT -s 172.30.0.3/32 -j DROP',
      '-A OUTPUT -d 172.30.0.3/32 -j DROP',
      '-A INPUT -s 172.30.0.4/32 -j DROP',
      '-A OUTPUT -d 172.30.0.4/32 -j DROP',
    ]);
    expect(rules).toMatch(/^\*filter\n:INPUT ACCEPT \[0:0\]\n:FORWARD ACCEPT \[0:0\]\n:OUTPUT ACCEPT \[0:0\]\n/);
    expect(rules.endsWith('COMMIT\n')).toBe(true);
  });

  it('no peers: an empty filter (the heal); an address that is not IPv4 is refused, named', () => {
    expect(
      dropPeersRules([])
        .split('\n')
        .filter((l) => l.startsWith('-A')),
    ).toEqual([]);
    expect(() => dropPeersRules([{ name: 'replica-1', address: '' }])).toThrow(/replica-1: '' is not an IPv4 address/);
  });
});
