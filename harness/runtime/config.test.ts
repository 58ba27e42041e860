import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { flavor, UsageError } from '../core/index.js';

describe('config', () => {
  it('accepts an image per known flavor', () => {
    expect(parseConfig('{"images":{"mariadb-10.11":"registry.example/mariadb:10.11"}}', 'f').images['mariadb-10.11']).toBe('registry.example/mariadb:10.11');
  });
  it.each([
    ['not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    ['{"image":{}}', /unknown key 'image'/],
    ['{"images":{"postgres":"x"}}', /unknown flavor 'postgres'/],
    ['{"images":{"mariadb-10.11":"a b"}}', /not an image reference/],
  ])('refuses %s with a usage error', (text, re) => {
    expect(() => parseConfig(text, 'firedrill.config.json')).toThrow(UsageError);
    expect(() => parseConfig(text, 'firedrill.config.json')).toThrow(re);
  });
  it('refuses an unknown flavor id', () => {
    expect(() => flavor('mariadb-5.5')).toThrow(/unknown flavor 'mariadb-5.5' \(known: mariadb-10.11/);
  });
});
