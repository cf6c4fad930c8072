/** Usage texts; kept apart from the commands so `--help` loads neither the engine nor the AWS SDK. */

export const MAIN_HELP = `Usage: s3-direct-upload <command> [options]

Commands:
  put <files…>          upload files through a signing endpoint (no cloud credentials)
  presign s3://b/key    print a presigned GET or PUT URL (AWS credentials)
  cors s3://bucket      print, or --apply, the bucket CORS rules the browser uploader needs

Options:
  -h, --help            show help (also: s3-direct-upload <command> --help)
  -v, --version         show the version

Docs: docs/cli.md in the package (node_modules/s3-direct-upload/docs/cli.md).
`;

export const PUT_HELP = `Usage: s3-direct-upload put <files…> --sign-url URL [options]

Uploads files straight to S3 through a signing endpoint that speaks the
s3-direct-upload protocol (docs/protocol.md). The endpoint chooses each key;
this machine needs no cloud credentials, only whatever the endpoint asks for.

Options:
  --sign-url URL               the signing endpoint (env S3_DIRECT_UPLOAD_SIGN_URL)
  -H, --header 'Name: value'   add a header to every endpoint call, e.g. 'Authorization: Bearer …'
                               (repeatable; env S3_DIRECT_UPLOAD_HEADERS, one header a line)
  --multipart-threshold BYTES  files larger than this go multipart (default 16MiB)
  --part-size BYTES            preferred part size, 5MiB–5GiB (default: 8MiB, growing with the file to
                               keep near 64 parts, up to 32MiB; raised to fit 10,000 parts)
  --concurrency N              PUTs in flight across all files, 1–64 (default: 6 per storage host name)
  --retries N                  retries of each request after a 5xx, 429, timeout or dropped connection,
                               0–20 (default 5, with exponential backoff)
  --metadata key=value         stored with every file as x-amz-meta-key (repeatable)
  --json                       print one JSON object per file on stdout
  -q, --quiet                  no progress on stderr
  -h, --help                   show this help

BYTES: 16777216, 16MiB, 16M (binary) or 16MB (decimal).
Output: results on stdout (a line or a JSON object per file), progress and errors on stderr.
Exit status: 0 all uploaded, 1 any failed, 2 usage error, 130 interrupted (Ctrl-C).
`;

export const PRESIGN_HELP = `Usage: s3-direct-upload presign s3://bucket/key [options]

Prints a presigned URL for one object, signed with the AWS SDK's standard
credentials (environment, profile, SSO, role). Prints only the URL.

Options:
  --method GET|PUT        GET downloads the object (default), PUT uploads it
  --expires-in SECONDS    how long the URL works, 1–604800 (7 days) (default 3600)
  --region REGION         default: AWS_REGION, the profile's region, us-east-1
  --endpoint URL          an S3-compatible store (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)
  --path-style            path-style addressing (default: S3_FORCE_PATH_STYLE=true)
  --content-type TYPE     GET: the Content-Type the answer claims; PUT: signed, the uploader must send it
  --filename NAME         GET: the name the browser saves as (default: the key's last segment)
  -h, --help              show this help

Exit status: 0 printed, 1 signing failed (no credentials), 2 usage error.
`;

export const CORS_HELP = `Usage: s3-direct-upload cors s3://bucket --origin ORIGIN [--origin …] [--apply [--replace]] [options]

Prints the bucket CORS configuration the browser uploader needs, as JSON that
\`aws s3api put-bucket-cors --cors-configuration\` takes. With --apply, puts it
on the bucket and prints what the bucket then has: the bucket's other rules
are kept, and the origins are added to this tool's rule from an earlier run
(--replace: the given origins replace them).

Options:
  --origin ORIGIN       an origin allowed to upload, e.g. https://app.example (repeatable)
  --apply               apply it to the bucket (AWS credentials: environment, profile, role)
  --replace             with --apply: the rule allows only these origins (default: adds them)
  --region REGION       default: AWS_REGION, the profile's region, us-east-1
  --endpoint URL        an S3-compatible store (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)
  --path-style          path-style addressing (default: S3_FORCE_PATH_STYLE=true)
  -h, --help            show this help

Exit status: 0 done, 1 the bucket refused, 2 usage error.
`;
