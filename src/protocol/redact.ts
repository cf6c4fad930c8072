/**
 * Last line of defence for everything the CLI prints: a presigned URL is a
 * credential, and so may be a secret in the signing endpoint's URL.
 * UploadError messages never carry presigned URLs; this makes sure of it.
 */
const PRESIGNED_URL = /\bhttps?:\/\/[^\s"'<>]*X-Amz-(?:Signature|Credential)[^\s"'<>]*/gi;

/** The text with every presigned URL replaced by "[presigned URL]". */
export function redactPresigned(text: string): string {
  return text.replace(PRESIGNED_URL, '[presigned URL]');
}

export function redactor(signUrl?: string): (text: string) => string {
  const replacements: Array<[string, string]> = [];
  if (signUrl) {
    try {
      const url = new URL(signUrl);
      // Keep what names the endpoint; drop what may authenticate (user:password@, ?token=…).
      if (url.username || url.password || url.search || url.hash) replacements.push([signUrl, `${url.origin}${url.pathname}`]);
    } catch {
      // not a URL: nothing to redact
    }
  }
  return (text) => {
    let result = redactPresigned(text);
    for (const [secret, shown] of replacements) result = result.split(secret).join(shown);
    return result;
  };
}
