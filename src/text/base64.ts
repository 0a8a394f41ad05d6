/**
 * Bytes as base64 text and back: how module bytes and workload streams
 * travel in the JSON lines between the lab and its children (every engine
 * speaks JSON; none shares Node's structured clone).
 */
import { Buffer } from "node:buffer";

/** The bytes a typed array views (not its whole buffer), as base64. */
export const toBase64 = (bytes: Uint8Array | Int32Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/** base64 back to bytes, in a buffer of their own. */
export const bytesFromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));

/** base64 back to 32-bit numbers: copied to a buffer of their own, so it is aligned for an Int32Array. */
export const int32sFromBase64 = (text: string): Int32Array => new Int32Array(bytesFromBase64(text).buffer);
