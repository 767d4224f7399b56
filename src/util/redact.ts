/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`. Secrets
 * shorter than 4 characters are ignored: redacting "a" would shred every message.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Query parameters that carry credentials in the URLs we build or receive. */
const SECRET_PARAMS = ['access_token', 'token', 'credential', 'password', 'api_key', 'apikey', 'join_request'];

/** Redacts credential-bearing query parameters of a URL (anything else is kept). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()]) {
      if (SECRET_PARAMS.includes(key.toLowerCase())) parsed.searchParams.set(key, 'redacted');
    }
    if (parsed.password) parsed.password = 'redacted';
    return parsed.toString();
  } catch {
    return url.replace(/([?&](?:access_token|token|credential|password)=)[^&]*/gi, '$1redacted');
  }
}
