import { AccessToken, TokenVerifier } from 'livekit-server-sdk';

export interface TokenRequest {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly room: string;
  readonly identity: string;
  /** Seconds. @default 600 */
  readonly ttlSeconds?: number;
}

/** A room-join token exactly as a LiveKit deployment issues one (HS256, `iss` = API key). */
export async function issueToken(request: TokenRequest): Promise<string> {
  const token = new AccessToken(request.apiKey, request.apiSecret, {
    identity: request.identity,
    ttl: request.ttlSeconds ?? 600,
  });
  token.addGrant({ roomJoin: true, room: request.room, canPublish: true, canSubscribe: true, canPublishData: true });
  return token.toJwt();
}

export type TokenCheck =
  | { readonly ok: true; readonly identity: string; readonly room: string }
  | { readonly ok: false; readonly status: 401; readonly message: string };

/**
 * Verifies a join token the way LiveKit does before it upgrades `/rtc`: signature
 * and `iss` (TokenVerifier, i.e. jose), expiry, then the `video.roomJoin` grant,
 * the room and the identity. The message is what a LiveKit server answers on
 * `/rtc/validate` and never contains the token.
 */
export async function checkToken(
  verifier: TokenVerifier,
  token: string | null,
  clockToleranceSeconds: number,
): Promise<TokenCheck> {
  if (!token) return { ok: false, status: 401, message: 'invalid authorization header: missing access_token' };
  let claims: Awaited<ReturnType<TokenVerifier['verify']>>;
  try {
    claims = await verifier.verify(token, clockToleranceSeconds);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === 'ERR_JWT_EXPIRED'
        ? 'token is expired (exp)'
        : code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
          ? 'signature is invalid'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? 'claim validation failed'
            : 'token could not be parsed';
    return { ok: false, status: 401, message: `invalid token: ${reason}` };
  }
  if (!claims.video?.roomJoin) return { ok: false, status: 401, message: 'permissions denied: token has no roomJoin grant' };
  if (!claims.video.room) return { ok: false, status: 401, message: 'permissions denied: token names no room' };
  if (!claims.sub) return { ok: false, status: 401, message: 'invalid token: identity (sub) is missing' };
  return { ok: true, identity: claims.sub, room: claims.video.room };
}

export { TokenVerifier };
