import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LabError } from "../../src/errors.js";
import { specHash } from "../../src/spec/load.js";
import type { HandlerInput, SpecInput, Spec } from "../../src/spec/types.js";
import { validateSpec } from "../../src/spec/validate.js";

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/);
const paramType = fc.constantFrom("i32" as const, "i64" as const);

function handlerArb(args: number): fc.Arbitrary<HandlerInput> {
  return fc.record(
    {
      id: fc.integer({ min: 0, max: 65535 }),
      name: identifier,
      priority: fc.integer({ min: 1, max: 99 }),
      params: fc.array(paramType, { maxLength: args }),
      body: fc.record({ kind: identifier, ops: fc.integer({ min: 0, max: 1_000_000 }) }, { requiredKeys: ["kind"] }),
    },
    { requiredKeys: ["id", "name"] },
  );
}

/** Any valid HandlerSpec: args absent or 0..6, unique ids, names made unique by their position. */
const specArb: fc.Arbitrary<SpecInput> = fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }).chain((args) =>
  fc
    .record(
      {
        name: fc.string({ minLength: 1 }).filter((s) => /\S/.test(s)),
        fallback: fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: I64_MIN, max: I64_MAX }).map(String)),
        handlers: fc.uniqueArray(handlerArb(args ?? 5), { minLength: 1, maxLength: 40, selector: (h) => h.id }),
      },
      { requiredKeys: ["name", "handlers"] },
    )
    .map((s) => ({
      ...s,
      ...(args !== undefined && { args }),
      handlers: s.handlers.map((h, i) => ({ ...h, name: `${h.name}_${i}` })),
    })),
);

/** A Spec written back as JSON text: every field explicit, fallback as a decimal string. */
function toJson(spec: Spec): string {
  return JSON.stringify({ ...spec, fallback: spec.fallback.toString() });
}

describe("validateSpec properties", () => {
  it("accepts every valid spec and applies the defaults", () => {
    fc.assert(
      fc.property(specArb, (input) => {
        const spec = validateSpec(input);
        expect(spec.name).toBe(input.name);
        expect(spec.args).toBe(input.args ?? 5);
        expect(spec.fallback).toBe(input.fallback === undefined ? -38n : BigInt(input.fallback));
        expect(spec.handlers.map((h) => [h.id, h.name, h.priority])).toEqual(input.handlers.map((h) => [h.id, h.name, h.priority]));
        spec.handlers.forEach((h, i) => {
          const given = input.handlers[i]!;
          expect(h.params).toEqual(given.params ?? Array(spec.args).fill("i64"));
          expect(h.body).toEqual({ kind: given.body?.kind ?? "noop", ops: given.body?.ops ?? 0 });
        });
      }),
    );
  });

  it("round-trips: written back as JSON, a spec validates to itself", () => {
    fc.assert(
      fc.property(specArb, (input) => {
        const spec = validateSpec(input);
        const again = validateSpec(JSON.parse(toJson(spec)));
        expect(again).toEqual(spec);
        expect(specHash(again)).toBe(specHash(spec));
      }),
    );
  });

  it("answers any JSON value with a Spec or a spec-invalid LabError, never anything else", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          specArb.map((s) => JSON.parse(JSON.stringify(s)) as unknown),
        ),
        (value) => {
          try {
            validateSpec(value);
          } catch (e) {
            expect(e).toBeInstanceOf(LabError);
            expect((e as LabError).code).toBe("spec-invalid");
            expect((e as LabError).problems.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});
