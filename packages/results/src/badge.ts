import { makeBadge } from 'badge-maker';
import { levelColor } from './palette.js';
import type { Level } from './rungs.js';

export interface BadgeOptions {
  /** Left-hand text. Default `ccci`. */
  label?: string;
  /** shields.io style. Default `flat`. */
  style?: 'flat' | 'flat-square' | 'plastic' | 'for-the-badge';
}

/** "level N", "failing" for level 0, "unknown" when there is no result. */
function badgeMessage(level: Level | null): string {
  if (level === null) return 'unknown';
  return level === 0 ? 'failing' : `level ${level}`;
}

/** The level badge as SVG (shields.io's badge-maker), coloured from the one palette. */
export function renderBadge(level: Level | null, options: BadgeOptions = {}): string {
  if (level !== null && !(Number.isInteger(level) && level >= 0 && level <= 5)) {
    throw new TypeError(`renderBadge: level must be an integer 0–5 or null, got ${String(level)}`);
  }
  const label = options.label ?? 'ccci';
  if (typeof label !== 'string' || label.length === 0 || label.length > 40) {
    throw new TypeError('renderBadge: option label must be a string of 1–40 characters');
  }
  // badge-maker escapes label and message itself.
  return makeBadge({
    label,
    message: badgeMessage(level),
    color: levelColor(level).fill,
    style: options.style ?? 'flat',
  });
}
