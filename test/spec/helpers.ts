import { LabError, type Problem } from "../../src/errors.js";

/** The LabError `run` throws; fails the test when it throws nothing or something else. */
export function labError(run: () => unknown): LabError {
  try {
    run();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error("expected a LabError, got none");
}

export const problemsOf = (run: () => unknown): readonly Problem[] => labError(run).problems;
