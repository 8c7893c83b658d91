/** Where output stands: bytes before `pos` are out; `open` if the last thing out was a mask. */
export interface RenderState {
  pos: number;
  open: boolean;
}

/**
 * Appends to `parts` the output for `data[state.pos, limit)`: raw bytes, and one mask for
 * each merged interval (`intervals` as from `Matcher.intervals`) that starts before `limit`.
 * An interval that reaches past `limit` is masked whole now. An interval that continues a
 * mask already written (state.open and starting at or before state.pos) writes no second
 * mask, so the output does not depend on where chunks were cut.
 */
export function render(
  data: Uint8Array,
  intervals: readonly number[],
  limit: number,
  mask: Uint8Array,
  state: RenderState,
  parts: Uint8Array[],
): void {
  let { pos, open } = state;
  for (let k = 0; k < intervals.length; k += 2) {
    const start = intervals[k]!;
    const end = intervals[k + 1]!;
    if (start >= limit) break;
    if (end <= pos) continue;
    if (start > pos) {
      parts.push(data.subarray(pos, start));
      open = false;
      pos = start;
    }
    if (!open) parts.push(mask);
    open = true;
    pos = end;
  }
  if (pos < limit) {
    parts.push(data.subarray(pos, limit));
    open = false;
    pos = limit;
  }
  state.pos = pos;
  state.open = open;
}

/** One Buffer of `parts`, copying only when there is more than one part. */
export function joinParts(parts: readonly Uint8Array[]): Buffer | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) {
    const only = parts[0]!;
    return Buffer.from(only.buffer, only.byteOffset, only.length);
  }
  return Buffer.concat(parts);
}
