import { ensureImage } from '../harness/runtime/images.ts';
import { S3_SERVER_IMAGE } from '../harness/runtime/s3-server.ts';
console.log(await ensureImage(S3_SERVER_IMAGE, (m) => console.error(m)));
