/**
 * A check job and its results as JSON lines, for a check run in a child
 * process of another engine (lab/check-in-process.ts). JSON has no bigint:
 * the spec's fallback, the cases' i64 arguments and a mismatch's values
 * travel as decimal strings; module bytes as base64. The cases come in
 * chunks, a line each after the job's first line, so that no line nears an
 * engine's longest string however many --random cases there are.
 */
import { bytesFromBase64, toBase64 } from "../text/base64.js";
import type { Spec } from "../spec/types.js";
import type { Case } from "./cases.js";
import type { CheckJob } from "./check-in-worker.js";
import type { Mismatch, StrategyCheck } from "./check.js";

/** Cases per line after the job's first. */
export const CASES_PER_LINE = 20_000;

type WireSpec = Omit<Spec, "fallback"> & { fallback: string };
type WireCase = [op: number, ...args: string[]];

/** The job's first line: the spec, every module, and how many lines of cases follow. */
interface WireHeader {
  spec: WireSpec;
  modules: { strategy: string; control: boolean; bytes: string }[];
  cases: number;
  lines: number;
}

type WireMismatch = Omit<Mismatch, "args" | "expected" | "got"> & { args: string[]; expected: string; got: string };
type WireCheck = Omit<StrategyCheck, "examples"> & { examples: WireMismatch[] };

/** What a check's child says on its stdout, one line each: a module's result, or why it could not check it. */
export type CheckReply = { type: "result"; result: StrategyCheck } | { type: "error"; message: string };
type WireReply = { type: "result"; result: WireCheck } | { type: "error"; message: string };

const big = (b: bigint): string => b.toString();

/** A decimal integer string as a bigint; anything else (a number, "1.5", "0x10") is an error. */
function unbig(s: unknown): bigint {
  if (typeof s !== "string" || !/^-?\d+$/.test(s)) throw new Error(`not a decimal integer: ${JSON.stringify(s)}`);
  return BigInt(s);
}

/** A job as its lines (without newlines): the header, then the cases, CASES_PER_LINE a line. */
export function encodeCheckJob(job: CheckJob): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < job.cases.length; i += CASES_PER_LINE)
    chunks.push(JSON.stringify(job.cases.slice(i, i + CASES_PER_LINE).map((c): WireCase => [c.op, ...c.args.map(big)])));
  const header: WireHeader = {
    spec: { ...job.spec, fallback: big(job.spec.fallback) },
    modules: job.modules.map((m) => ({
      strategy: m.strategy,
      control: m.control,
      bytes: toBase64(m.bytes),
    })),
    cases: job.cases.length,
    lines: chunks.length,
  };
  return [JSON.stringify(header), ...chunks];
}

/** How many lines the job that starts with `first` has in all (its header included). */
export const jobLines = (first: string): number => 1 + (JSON.parse(first) as WireHeader).lines;

/** The job back from its lines; a missing line or a case count that does not add up is an error. */
export function decodeCheckJob(lines: readonly string[]): CheckJob {
  const [first, ...rest] = lines;
  if (first === undefined) throw new Error("no check job: stdin was empty");
  const header = JSON.parse(first) as WireHeader;
  if (rest.length !== header.lines) throw new Error(`the check job has ${rest.length} lines of cases, not ${header.lines}`);
  const cases: Case[] = rest.flatMap((line) => (JSON.parse(line) as WireCase[]).map(([op, ...args]) => ({ op, args: args.map(unbig) })));
  if (cases.length !== header.cases) throw new Error(`the check job has ${cases.length} cases, not ${header.cases}`);
  return {
    spec: { ...header.spec, fallback: unbig(header.spec.fallback) },
    modules: header.modules.map((m) => ({ strategy: m.strategy, control: m.control, bytes: bytesFromBase64(m.bytes) })),
    cases,
  };
}

/** A reply as its JSON (without the marker and newline the child adds). */
export function encodeCheckReply(reply: CheckReply): string {
  if (reply.type === "error") return JSON.stringify(reply);
  const examples = reply.result.examples.map((m): WireMismatch => ({ ...m, args: m.args.map(big), expected: big(m.expected), got: big(m.got) }));
  return JSON.stringify({ type: "result", result: { ...reply.result, examples } } satisfies WireReply);
}

export function decodeCheckReply(json: string): CheckReply {
  const reply = JSON.parse(json) as WireReply;
  if (reply.type === "error") return reply;
  const examples = reply.result.examples.map((m): Mismatch => ({ ...m, args: m.args.map(unbig), expected: unbig(m.expected), got: unbig(m.got) }));
  return { type: "result", result: { ...reply.result, examples } };
}
