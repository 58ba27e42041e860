import { describe, expect, it } from 'vitest';
import { BadObjectError, classifyStoreError, StoreUnavailableError } from './object-store.js';

const store = { endpoint: 'https://s3.example.test' };
const url = 's3://b/k';
const tlsError = (code: string) => Object.assign(new Error(`${code.toLowerCase()} message`), { code });

describe('classifyStoreError: what a store error means for the exit code', () => {
  it.each([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'CERT_HAS_EXPIRED',
  ])('a certificate the client cannot verify (%s) is the environment, and says how to give the CA', (code) => {
    const e = classifyStoreError(tlsError(code), url, store);
    expect(e).toBeInstanceOf(StoreUnavailableError);
    expect(e.message).toMatch(/TLS certificate at https:\/\/s3\.example\.test is not trusted/);
    expect(e.message).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(e.message).toContain(code);
  });

  it('a connection refused is not called a certificate problem', () => {
    const e = classifyStoreError(tlsError('ECONNREFUSED'), url, store);
    expect(e).toBeInstanceOf(StoreUnavailableError);
    expect(e.message).toMatch(/unreachable/);
    expect(e.message).not.toMatch(/certificate/);
  });

  it('a missing object is a broken backup, not the environment', () => {
    const e = classifyStoreError(Object.assign(new Error('nope'), { name: 'NoSuchKey' }), url, store);
    expect(e).toBeInstanceOf(BadObjectError);
  });
});
