/**
 * V8 shares compiled code and type feedback between instances of identical
 * module bytes. Each measured cell gets bytes of its own: the strategy's
 * module plus a custom section naming the cell. Custom sections may follow
 * any section, so appending one changes nothing but the bytes.
 */

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function withCustomSection(module: Uint8Array, name: string, payload: string): Uint8Array {
  const enc = new TextEncoder();
  const nameBytes = enc.encode(name);
  const body = [...leb128(nameBytes.length), ...nameBytes, ...enc.encode(payload)];
  const section = Uint8Array.from([0, ...leb128(body.length), ...body]);
  const out = new Uint8Array(module.length + section.length);
  out.set(module);
  out.set(section, module.length);
  return out;
}
