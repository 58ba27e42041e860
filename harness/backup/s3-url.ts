import { UsageError } from '../core/index.js';

/** An `s3://bucket/key` address (no SDK here: the CLI reads it without loading the S3 client). */
export interface S3Address {
  bucket: string;
  key: string;
}

export const isS3Url = (s: string) => s.startsWith('s3://');

export function parseS3Url(url: string): S3Address {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new UsageError(`bad object address '${url}' (expected s3://bucket/prefix/name)`);
  return { bucket: m[1]!, key: m[2] ?? '' };
}

export const s3Url = (a: S3Address) => `s3://${a.bucket}/${a.key}`;
