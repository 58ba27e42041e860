import { S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../core/index.js';

export { isS3Url, parseS3Url, s3Url, type S3Address } from './s3-url.js';

/**
 * Object storage as a backup location, through the S3 API (@aws-sdk/client-s3, no hand-written signer). Everything
 * comes from the environment, as for the AWS CLI: the endpoint (`FIREDRILL_S3_ENDPOINT`, else `AWS_ENDPOINT_URL_S3` /
 * `AWS_ENDPOINT_URL`; none: AWS itself), the region (`AWS_REGION` / `AWS_DEFAULT_REGION`, default us-east-1), the
 * credentials (the SDK's default chain: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`, a profile, a role), the
 * addressing (`FIREDRILL_S3_PATH_STYLE=1|0`; default path-style with an endpoint of your own, virtual-host on AWS),
 * server-side encryption (`FIREDRILL_S3_SSE=AES256|aws:kms`, `FIREDRILL_S3_SSE_KMS_KEY_ID`, or a customer key in
 * `FIREDRILL_S3_SSE_C_KEY`, base64 of 32 bytes, sent with every read and write). TLS: an https endpoint; a private CA
 * through Node's `NODE_EXTRA_CA_CERTS`.
 */
export interface ObjectStore {
  client: S3Client;
  endpoint: string;
  region: string;
  pathStyle: boolean;
  /** Headers for writes (SSE-S3 / SSE-KMS / SSE-C) and for reads (SSE-C only), as SDK parameters. */
  sse: { write: Record<string, string>; read: Record<string, string>; description: string };
}

/** The store as the environment describes it. A bad value is bad input (exit 2). */
export function openObjectStore(env: NodeJS.ProcessEnv = process.env): ObjectStore {
  const endpoint = env['FIREDRILL_S3_ENDPOINT'] ?? env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'];
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint))
    throw new UsageError(`FIREDRILL_S3_ENDPOINT '${endpoint}' is not an http(s)://host[:port] address`);
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  const ps = env['FIREDRILL_S3_PATH_STYLE'];
  if (ps !== undefined && !/^(1|0|true|false)$/.test(ps)) throw new UsageError(`FIREDRILL_S3_PATH_STYLE '${ps}': give 1 or 0`);
  const pathStyle = ps === undefined ? endpoint !== undefined : ps === '1' || ps === 'true';
  const sse = sseFromEnv(env);
  const keyId = env['AWS_ACCESS_KEY_ID'];
  const secret = env['AWS_SECRET_ACCESS_KEY'];
  const token = env['AWS_SESSION_TOKEN'];
  const client = new S3Client({
    region,
    // keys in the environment given (else the SDK's own chain: the process environment, profiles, roles)
    ...(keyId && secret ? { credentials: { accessKeyId: keyId, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) } } : {}),
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: pathStyle,
    // Deadlines: a connection that does not open in 10 s, a response that sends nothing for 60 s.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  });
  return { client, endpoint: endpoint ?? `AWS (${region})`, region, pathStyle, sse };
}

function sseFromEnv(env: NodeJS.ProcessEnv): ObjectStore['sse'] {
  const mode = env['FIREDRILL_S3_SSE'];
  const kmsKey = env['FIREDRILL_S3_SSE_KMS_KEY_ID'];
  const customerKey = env['FIREDRILL_S3_SSE_C_KEY'];
  if (customerKey !== undefined) {
    if (mode) throw new UsageError('give FIREDRILL_S3_SSE or FIREDRILL_S3_SSE_C_KEY, not both');
    if (Buffer.from(customerKey, 'base64').length !== 32)
      throw new UsageError('FIREDRILL_S3_SSE_C_KEY must be the base64 of a 32-byte key (SSE-C, AES256)');
    const c = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey };
    return { write: c, read: c, description: 'SSE-C (customer key)' };
  }
  if (mode === undefined) {
    if (kmsKey) throw new UsageError('FIREDRILL_S3_SSE_KMS_KEY_ID needs FIREDRILL_S3_SSE=aws:kms');
    return { write: {}, read: {}, description: 'the bucket default' };
  }
  if (!/^(AES256|aws:kms|aws:kms:dsse)$/.test(mode))
    throw new UsageError(`FIREDRILL_S3_SSE '${mode}': give AES256, aws:kms or aws:kms:dsse`);
  if (kmsKey && mode === 'AES256') throw new UsageError('FIREDRILL_S3_SSE_KMS_KEY_ID needs FIREDRILL_S3_SSE=aws:kms');
  return {
    write: { ServerSideEncryption: mode, ...(kmsKey ? { SSEKMSKeyId: kmsKey } : {}) },
    read: {},
    description: kmsKey ? `${mode} (key ${kmsKey})` : mode,
  };
}

/** The store cannot be used as configured (down, unreachable, refused keys, throttled, archived): exit 2, one line. */
export class StoreUnavailableError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** The store answered, and the backup in it is not what it must be: missing, truncated, or another checksum (exit 1). */
export class BadObjectError extends Error {
  constructor(
    readonly kind: 'backup-missing' | 'object-truncated' | 'checksum-mismatch',
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = 'BadObjectError';
  }
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: unknown;
}

/** Node's codes for a server certificate the client cannot verify (unknown CA, self-signed, expired, wrong name). */
const TLS_TRUST_CODES =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/**
 * What an SDK error means for the test: a missing object is a broken backup system; a refused key, a store that is
 * down or throttles, an archived object, a missing bucket are the environment (StoreUnavailableError).
 */
export function classifyStoreError(e: unknown, url: string, store: Pick<ObjectStore, 'endpoint'>): Error {
  if (e instanceof BadObjectError || e instanceof UsageError) return e;
  const err = (e ?? {}) as SdkError;
  const name = err.name ?? '';
  const status = err.$metadata?.httpStatusCode;
  const attempts = err.$metadata?.attempts;
  const tries = attempts ? ` after ${attempts} attempt(s)` : '';
  const msg = (err.message ?? String(e)).split('\n')[0]!;
  if (name === 'CredentialsProviderError')
    return new StoreUnavailableError(
      `${url}: no credentials for the store (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile)`,
    );
  if (name === 'NoSuchBucket') return new StoreUnavailableError(`${url}: the bucket does not exist at ${store.endpoint}`);
  if (name === 'NoSuchKey' || (status === 404 && name !== 'NoSuchUpload'))
    return new BadObjectError('backup-missing', url, `${url}: no such object in the store`);
  if (/checksum/i.test(name) || /checksum mismatch/i.test(msg))
    return new BadObjectError('checksum-mismatch', url, `${url}: the store's checksum does not match the bytes read (${msg})`);
  if (name === 'InvalidObjectState')
    return new StoreUnavailableError(
      `${url}: the object is archived (Glacier / Deep Archive): restore it first (aws s3api restore-object)`,
    );
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'ExpiredToken', 'InvalidToken'].includes(name) || status === 403)
    return new StoreUnavailableError(
      `${url}: the store refuses the credentials (${name || status}: ${msg}); check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the policy`,
    );
  if (
    ['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded'].includes(name) ||
    status === 503 ||
    status === 429
  )
    return new StoreUnavailableError(
      `${url}: the store throttles requests (${name || status})${tries}; try again later or lower the request rate`,
    );
  const code = err.code ?? (e as { cause?: { code?: string } })?.cause?.code ?? '';
  if (TLS_TRUST_CODES.test(code))
    return new StoreUnavailableError(
      `${url}: the store's TLS certificate at ${store.endpoint} is not trusted (${code}: ${msg}); give its CA with NODE_EXTRA_CA_CERTS=<ca.pem>`,
    );
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EPIPE|socket hang up|aborted|premature close/i.test(`${code} ${name} ${msg}`) ||
    name === 'TimeoutError'
  )
    return new StoreUnavailableError(
      `${url}: the store at ${store.endpoint} is unreachable or dropped the connection${tries} (${code || name}: ${msg})`,
    );
  return new StoreUnavailableError(`${url}: the store failed (${name || status || 'error'}: ${msg})`);
}
