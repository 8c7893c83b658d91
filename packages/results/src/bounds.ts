/**
 * Longest wall time results.json accepts for a run, a rung or a test: a week. A run is bounded by
 * its deadline (an hour by default, CCCI_DEADLINE_MIN); anything longer is a broken clock or a
 * forged document, and `1e300` ms would run off the card.
 */
export const MAX_DURATION_MS = 7 * 24 * 60 * 60 * 1000;
