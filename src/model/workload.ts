/** How often one handler (or, with id null, "no handler") appears in a stream: a workload's composition as results record it (workload/ builds the streams). */
export interface MixEntry {
  /** The handler id; null for every number with no handler. */
  id: number | null;
  /** The handler's name; "invalid" for the null entry. */
  name: string;
  /** count / stream length, in [0, 1]. */
  share: number;
}
