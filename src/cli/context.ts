// How much of the input and of --steps the model's context holds. A model runs at most seq_len positions: what does
// not fit is cut, and the user is told (stderr, and `notes` in --json), never silently.

export interface ContextFit {
  /** positions to run */
  steps: number;
  /** one sentence per cut, for stderr (prefixed `note: `) and --json */
  notes: string[];
}

/**
 * `steps` positions over `inputTokens` given tokens: `requested` (--steps) or else `fallback`, at most `seqLen`.
 * Says when an explicit --steps is more than the context, and when the input is cut other than by a --steps the
 * user chose.
 */
export function fitToContext(
  inputTokens: number,
  requested: number | undefined,
  fallback: number,
  seqLen: number
): ContextFit {
  const steps = Math.min(requested ?? fallback, seqLen);
  const notes: string[] = [];
  const beyondContext = requested !== undefined && requested > seqLen;
  if (beyondContext)
    notes.push(`--steps ${requested} is more than the model's context of ${seqLen}: runs ${seqLen} positions`);
  if (inputTokens > steps && (requested === undefined || beyondContext))
    notes.push(
      `the input is ${inputTokens} tokens but only ${steps} positions run (the model's context is ${seqLen}): ` +
        `the input after token ${steps} is not used`
    );
  return {steps, notes};
}
