import { isWellFormedIceUrl } from './ice-url-shape.js';

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`. Secrets
 * shorter than 4 characters are ignored: redacting "a" would shred every message.
 * Meant for free text (an error message a stack wrote); structured data is redacted
 * field by field instead (see `probes/report-redaction.ts`).
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join('[redacted]');
  }
  return out;
}

const UNPARSEABLE = '(unparseable URL)';

/**
 * A path segment that may carry a credential: a token, a signature, a JWT, a session
 * key. Long segments, segments mixing letters and digits past a few characters, and
 * anything with `=`, `;`, `@` or an escape are hidden; short words (`ws`, `connect`,
 * `v1`) stay, since they name the endpoint.
 */
function secretLooking(segment: string): boolean {
  if (segment.length >= 16) return true;
  if (/[=;@%:]/.test(segment)) return true;
  return segment.length >= 8 && /\d/.test(segment) && /[a-z]/i.test(segment);
}

/**
 * A URL for people to read, built from an allow-list: scheme, host, port and the path
 * with secret-looking segments hidden. Never the query, the userinfo or the fragment:
 * backends put session tokens, signatures and JWTs there under any name. What does not
 * parse is not echoed at all.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return UNPARSEABLE;
  }
  if (!parsed.host) return UNPARSEABLE;
  const path = parsed.pathname
    .split('/')
    .map((segment) => (secretLooking(segment) ? '[redacted]' : segment))
    .join('/');
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/**
 * Free text (a stack's error message) with every http(s)/ws(s) URL in it replaced by
 * its `redactUrl` form: SDKs print the URL they failed to open, query string and all.
 */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b(?:https?|wss?):\/\/[^\s'"<>`]+/gi, (url) => redactUrl(url));
}

/**
 * A STUN/TURN URL for people to read: as given when it has the RFC shape (it carries
 * no credential then), otherwise only its scheme. `turn:alice:S3cret@host` is a common
 * mistake, and it puts the password in the URL.
 */
export function redactIceUrl(url: string): string {
  if (isWellFormedIceUrl(url)) return url;
  const scheme = /^(stuns?|turns?):/i.exec(url);
  return scheme ? `${scheme[0]}…` : UNPARSEABLE;
}
