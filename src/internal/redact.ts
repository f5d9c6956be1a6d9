const SECRET_QUERY = /([?&](?:token|access_token|api[_-]?key|password|secret|sig|signature)=)[^&#]*/gi;

/** Strips credentials from a URL or path: `user:pass@` and token-like query parameters. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@').replace(SECRET_QUERY, '$1***');
}
