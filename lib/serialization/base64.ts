/**
 * Base64 (RFC 4648, with padding) for typed-array bytes, through btoa and atob (web standards
 * in every runtime rnnkit supports; no Buffer), with the strict checks atob leaves out.
 */

/** Encodes bytes as base64 text. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
}

/** Decodes base64 text; throws a RangeError naming `what` on any invalid character or length. */
export function decodeBase64(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new RangeError(`decodeBase64: ${what} is not base64 (its length must be a multiple of 4)`);
  }
  // atob would skip whitespace and accept "=" anywhere: only the alphabet, and "=" as the last one or two.
  const bad = text.search(/[^A-Za-z\d+/=]|=(?!=?$)/);
  if (bad >= 0) throw new RangeError(`decodeBase64: ${what} has an invalid character at ${bad}`);
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
