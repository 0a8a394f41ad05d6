/**
 * The emit stage: spec + strategies + body library -> validated, audited
 * modules. One module per strategy, each self-describing (a custom section
 * names its strategy and spec hash).
 */
import { LabError } from "../errors.js";
import { specHash } from "../spec/load.js";
import type { Spec } from "../spec/types.js";
import { auditModule } from "./audit.js";
import type { ModuleAudit } from "../model/cells.js";
import { link } from "./binaryen.js";
import { checkBodyKinds, type BodyLibrary } from "./bodies.js";
import type { Strategy } from "./strategy.js";

export interface EmittedModule {
  strategy: string;
  control: boolean;
  hazard: boolean;
  bytes: Uint8Array;
  text?: string;
  audit: ModuleAudit;
  specHash: string;
}

export interface EmitOptions {
  library: BodyLibrary;
  /** Also produce the .wat text (slower; `emit` writes it, `check` does not need it). */
  withText?: boolean;
}

const encoder = new TextEncoder();

export function emitStrategy(spec: Spec, strategy: Strategy, options: EmitOptions, hash = specHash(spec)): EmittedModule {
  const plan = strategy.plan(spec);
  const about = { tool: "dispatch-lab", strategy: strategy.name, spec: spec.name, specHash: hash };
  const { bytes, text } = link({
    spec,
    plan,
    library: options.library.bytes,
    customSections: { "dispatch-lab": encoder.encode(JSON.stringify(about)) },
    withText: options.withText ?? false,
    pad: strategy.pad,
  });
  const audit = auditModule(bytes, strategy, plan, spec);
  if (audit.violations.length) {
    throw new LabError(
      "audit-failed",
      audit.violations.map((v) => ({ path: `${strategy.name}.wasm`, message: v })),
      "the emitted module is not the strategy it claims: this is a dispatch-lab bug, please report it with the spec",
    );
  }
  return {
    strategy: strategy.name,
    control: !!strategy.control,
    hazard: !!strategy.hazard,
    bytes,
    ...(text !== undefined ? { text } : {}),
    audit,
    specHash: hash,
  };
}

export function emitModules(spec: Spec, strategies: readonly Strategy[], options: EmitOptions): EmittedModule[] {
  checkBodyKinds(spec, options.library);
  const hash = specHash(spec);
  return strategies.map((s) => emitStrategy(spec, s, options, hash));
}
