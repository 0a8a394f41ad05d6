import { LIMIT_FLAGS } from "../../src/engines/kinds/v8.js";
import type { ChildCommand } from "../../src/model/engines.js";

/** The running node with the memory ceiling and these V8 flags (any, bad ones included): what runner tests start. */
export const nodeCommand = (flags: readonly string[]): ChildCommand => ({ binary: process.execPath, args: [...LIMIT_FLAGS, ...flags], env: {} });
