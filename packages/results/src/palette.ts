import type { RungStatus } from '@ccci/contracts';
import type { Level } from './rungs.js';

/**
 * The one palette: badges, cards, comments and the dashboard take level and status colours from
 * here. Level colours run red → bright green like shields.io's scale; `text` is the foreground
 * with enough contrast on that background (WCAG AA for large text).
 */
export const LEVEL_COLORS: Readonly<Record<Level, { fill: string; text: string }>> = {
  0: { fill: '#d73a2f', text: '#ffffff' },
  1: { fill: '#f0803c', text: '#1b1b1b' },
  2: { fill: '#e3b505', text: '#1b1b1b' },
  3: { fill: '#a4b21a', text: '#1b1b1b' },
  4: { fill: '#5cb82e', text: '#1b1b1b' },
  5: { fill: '#2e9e44', text: '#ffffff' },
};

/** Colour of "no result yet / cannot tell". */
export const UNKNOWN_COLOR = { fill: '#8a8f98', text: '#ffffff' } as const;

export const STATUS_COLORS: Readonly<Record<RungStatus, { fill: string; text: string }>> = {
  pass: { fill: '#2e9e44', text: '#ffffff' },
  fail: { fill: '#d73a2f', text: '#ffffff' },
  skip: { fill: '#6e7781', text: '#ffffff' },
  unver: { fill: '#9a6700', text: '#ffffff' },
};

export function levelColor(level: Level | null): { fill: string; text: string } {
  return level === null ? UNKNOWN_COLOR : LEVEL_COLORS[level];
}
