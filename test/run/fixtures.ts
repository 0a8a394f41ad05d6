import binaryen from "binaryen";

/**
 * Hand-made modules with the harness contract (memory, stream_base,
 * run(base, count, reps) -> i64) that misbehave on purpose: they let the
 * runner's failure paths run in real child processes.
 * - trap: run traps on its first call (init fails);
 * - trapLater: run works for `after` calls, then traps (a sample fails);
 * - hang: run loops forever (a timeout).
 */
export function misbehavingModule(kind: "trap" | "trapLater" | "hang", after = 12): Uint8Array {
  const m = new binaryen.Module();
  m.setMemory(1, 100, "memory");
  m.addGlobal("stream_base", binaryen.i32, false, m.i32.const(1024));
  m.addGlobalExport("stream_base", "stream_base");
  m.addGlobal("calls", binaryen.i32, true, m.i32.const(0));
  const calls = () => m.global.get("calls", binaryen.i32);
  const bodies = {
    trap: m.unreachable(),
    hang: m.block(null, [m.loop("forever", m.br("forever")), m.i64.const(0n)], binaryen.i64),
    trapLater: m.block(
      null,
      [
        m.global.set("calls", m.i32.add(calls(), m.i32.const(1))),
        m.if(m.i32.gt_u(calls(), m.i32.const(after)), m.unreachable()),
        m.i64.extend_u(m.local.get(2, binaryen.i32)),
      ],
      binaryen.i64,
    ),
  };
  m.addFunction("run", binaryen.createType([binaryen.i32, binaryen.i32, binaryen.i32]), binaryen.i64, [], bodies[kind]);
  m.addFunctionExport("run", "run");
  if (!m.validate()) throw new Error("fixture module invalid");
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}
