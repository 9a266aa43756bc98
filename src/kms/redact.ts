/** Scrubs credentials from text before it reaches a log: JWTs, bearer tokens, and `key=value` secrets. */

const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_PARAM = /\b(access_token|refresh_token|client_secret|password|sig)=([^&\s"']+)/gi;

export function redactSecrets(text: string): string {
  return text.replace(JWT, '<redacted-token>').replace(BEARER, '$1 <redacted>').replace(SECRET_PARAM, '$1=<redacted>');
}
