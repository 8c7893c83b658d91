// Shared by the redact benchmarks: a sink that counts, chunking, and MB per CPU second of a
// transform fed from memory.
import { Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A sink that only counts the bytes it is given. */
export function countingSink(): Writable & { received: number } {
  const sink = Object.assign(
    new Writable({
      write(c: Buffer, _e, cb) {
        sink.received += c.length;
        cb();
      },
    }),
    { received: 0 },
  );
  return sink;
}

/**
 * The text in pieces of about `size` bytes: cut anywhere (the worst case: most pieces end
 * inside a word that might begin a secret) or after the last whole line that fits (what a
 * process writing its log line by line hands a pipe).
 */
export function split(text: Buffer, size: number, lines: boolean): Buffer[] {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < text.length; ) {
    let end = Math.min(text.length, offset + size);
    if (lines && end < text.length) {
      const newline = text.lastIndexOf(0x0a, end - 1);
      if (newline >= offset) end = newline + 1;
    }
    pieces.push(text.subarray(offset, end));
    offset = end;
  }
  return pieces;
}

/**
 * MB per CPU second (user + system of this process) of `pieces` pushed through `make()`.
 * With `budgetSeconds`, input stops after about that much CPU time (for inputs slow enough
 * to take minutes): the figure is over what went through.
 */
export async function throughput(
  make: () => Transform,
  pieces: readonly Buffer[],
  budgetSeconds = Number.POSITIVE_INFINITY,
): Promise<number> {
  let index = 0;
  let bytes = 0;
  const start = process.cpuUsage();
  const spent = () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  const source = new Readable({
    read() {
      // The clock is read every 8th piece: often enough for pieces that take seconds each.
      const bounded = budgetSeconds !== Number.POSITIVE_INFINITY;
      while (index < pieces.length && (!bounded || index % 8 !== 0 || spent() < budgetSeconds)) {
        const piece = pieces[index++]!;
        bytes += piece.length;
        if (!this.push(piece)) return;
      }
      this.push(null);
    },
  });
  const sink = countingSink();
  await pipeline(source, make(), sink);
  const seconds = spent();
  if (sink.received === 0) throw new Error('nothing came through');
  return bytes / seconds / 1e6;
}
