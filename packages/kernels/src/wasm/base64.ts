/**
 * Decodes standard base64 (RFC 4648 §4, `=` padding, no line breaks) into bytes.
 *
 * **Method**: four 6-bit symbols → three bytes, through a 128-entry lookup table.
 *
 * **Numerical notes**: written out instead of `atob`/`Buffer` so the module loads in any JavaScript realm (a
 * worker, a `vm` context, an embedded engine) without host globals. Throws on a character outside the alphabet.
 *
 * **References**: S. Josefsson, "The Base16, Base32, and Base64 Data Encodings", RFC 4648, 2006.
 *
 * @example
 * ```ts
 * decodeBase64('AGFzbQ=='); // Uint8Array [0, 97, 115, 109]  ("\0asm")
 * ```
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const table = new Int16Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* '=' */) end--;
  const out = new Uint8Array(Math.floor((end * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) throw new Error(`decodeBase64: invalid character ${JSON.stringify(text[i])} at offset ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
