import type { RungStatus } from '@ccci/contracts';
import { MAX_DURATION_MS } from './bounds.js';

export const STATUS_EMOJI: Readonly<Record<RungStatus, string>> = {
  pass: '✅',
  fail: '❌',
  skip: '⏭️',
  unver: '❔',
};

export const STATUS_TEXT: Readonly<Record<RungStatus, string>> = {
  pass: 'pass',
  fail: 'fail',
  skip: 'skipped',
  unver: 'unverified',
};

/** 850 ms, 42 s, 3 min 05 s, 1 h 02 min; `—` for null and for what is not a duration (NaN, < 0). */
export function formatDuration(ms: number | null): string {
  if (ms === null || !(ms >= 0)) return '—';
  if (ms > MAX_DURATION_MS) return `over ${MAX_DURATION_MS / 3_600_000} h`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 8);
}
