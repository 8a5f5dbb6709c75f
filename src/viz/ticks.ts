// Ticks along a horizontal axis whose labels keep apart: d3's tick count is only a hint, and a label's width depends
// on its text ("977 KiB" against "1"), so the count is chosen from the labels themselves.
import type {ScaleContinuousNumeric} from "d3";
import {textWidth} from "./format.ts";

/** px kept free between two neighbouring tick labels (the estimate of textWidth can run short by a few px) */
const TICK_GAP = 12;

/**
 * The ticks of `scale` for the largest count up to `most` whose labels (`format`, at `fontSize`, centred on their
 * tick) are at least TICK_GAP apart; at least the two ends of the domain's ticks when even two do not fit.
 */
export function ticksAcross(
  scale: ScaleContinuousNumeric<number, number>,
  most: number,
  format: (v: number) => string,
  fontSize: number
): number[] {
  for (let n = most; n >= 1; n--) {
    const ticks = scale.ticks(n);
    const fits = ticks.every(
      (t, i) =>
        i === 0 ||
        Math.abs(scale(t) - scale(ticks[i - 1]!)) >=
          (textWidth(format(t), fontSize) + textWidth(format(ticks[i - 1]!), fontSize)) / 2 + TICK_GAP
    );
    if (fits) return ticks;
  }
  const ticks = scale.ticks(1);
  return ticks.length > 1 ? [ticks[0]!] : ticks;
}

/** px a labelled tick needs up an axis (a label's line and a gap) */
const TICK_STEP_UP = 28;

/** A tick count for an axis `height` px tall: at most `most`, at most one per TICK_STEP_UP px, at least 2. */
export function tickCountUp(height: number, most: number): number {
  return Math.max(2, Math.min(most, Math.floor(height / TICK_STEP_UP)));
}
