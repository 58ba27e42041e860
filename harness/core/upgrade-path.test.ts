import { describe, expect, it } from 'vitest';
import { nextVersion, upgradePath } from './upgrade-path.js';

describe('upgrade path: the series between two versions of a family, in FLAVORS order', () => {
  it('10.5 -> 11.8 goes through 10.11; a one-series step is one step', () => {
    expect(upgradePath('mariadb-10.5', 'mariadb-11.8')).toEqual([
      { from: 'mariadb-10.5', to: 'mariadb-10.11' },
      { from: 'mariadb-10.11', to: 'mariadb-11.8' },
    ]);
    expect(upgradePath('mariadb-10.11', 'mariadb-11.8')).toEqual([{ from: 'mariadb-10.11', to: 'mariadb-11.8' }]);
    expect(upgradePath('mariadb-10.5', 'mariadb-10.11')).toEqual([{ from: 'mariadb-10.5', to: 'mariadb-10.11' }]);
  });
  it('a downgrade and the same version are bad input; another family is one step (its rules decide)', () => {
    expect(() => upgradePath('mariadb-11.8', 'mariadb-10.5')).toThrow(/downgrade/);
    expect(() => upgradePath('mariadb-10.11', 'mariadb-10.11')).toThrow(/same version/);
    expect(upgradePath('mariadb-10.11', 'mysql-9.7')).toEqual([{ from: 'mariadb-10.11', to: 'mysql-9.7' }]);
  });
  it('the next version of a family, none after the last', () => {
    expect(nextVersion('mariadb-10.5')).toBe('mariadb-10.11');
    expect(nextVersion('mariadb-10.11')).toBe('mariadb-11.8');
    expect(nextVersion('mariadb-11.8')).toBeUndefined();
    expect(nextVersion('mysql-9.7')).toBeUndefined();
  });
});
