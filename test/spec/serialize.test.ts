import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/spec/load.js";
import { specToJson } from "../../src/spec/serialize.js";
import { validateSpec } from "../../src/spec/validate.js";

describe("specToJson", () => {
  it.each(["xen:pv64", "xen:arm", "synthetic:50,levels=3,sparse=4"])("round-trips %s through validateSpec", (name) => {
    const spec = loadSpec(name);
    expect(validateSpec(JSON.parse(JSON.stringify(specToJson(spec))))).toEqual(spec);
  });

  it("writes a fallback beyond 2^53 as a decimal string", () => {
    const spec = validateSpec({ name: "x", fallback: "-9223372036854775808", handlers: [{ id: 1, name: "a" }] });
    expect(specToJson(spec).fallback).toBe("-9223372036854775808");
  });
});
