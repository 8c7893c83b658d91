import type { DigestRecord, Store } from '@ccci/store';

/** One recipe in a digest: its newest default-branch run and the level before it. */
export interface DigestEntry {
  recipe: string;
  repo: string;
  /** Newest finished default-branch run, or null (never tested on the default branch). */
  run_id: string | null;
  run_url: string | null;
  /** Its level; null for an error (no results) or when never tested. */
  level: number | null;
  /** Level of the newest default-branch run with a level before it, or null. */
  previous_level: number | null;
  sha: string | null;
  finished_at: string | null;
  /** Why the run ended without results, when it did. */
  error: string | null;
}

/**
 * The digest: what changed on the recipes' default branches since the previous digest, what
 * fails, what has not been tested for a while. Sent as is to `DIGEST_WEBHOOK_URL`
 * (docs/trigger-bot.md, "Digests").
 */
export interface Digest {
  type: 'ccci.digest';
  version: 1;
  /** Stable per period (`digest-20261202T0000Z`); the Matrix transaction id is derived from it. */
  id: string;
  created_at: string;
  /** Changes (regressed, improved) are runs finished at or after this time. */
  since: string;
  dashboard_url: string;
  outdated_days: number;
  summary: {
    recipes: number;
    regressed: number;
    improved: number;
    failing: number;
    outdated: number;
    /** Newest default-branch level ≥ 1, tested within `outdated_days`. */
    passing: number;
  };
  /** Level dropped against the previous default-branch level (to 0 included). */
  regressed: DigestEntry[];
  /** Level rose against the previous default-branch level. */
  improved: DigestEntry[];
  /** Newest default-branch run at level 0 or ended in an error (a regression is listed there). */
  failing: DigestEntry[];
  /** No default-branch run finished within `outdated_days` (or never). */
  outdated: DigestEntry[];
}

export interface ClassifyOptions {
  now: Date;
  since: Date;
  outdatedMs: number;
}

type Lists = Pick<Digest, 'regressed' | 'improved' | 'failing' | 'outdated'> & { passing: number };

/**
 * Sorts recipes into the digest's lists. Regressed and improved compare the newest
 * default-branch level with the one before it and count only runs finished since `since` (news
 * since the previous digest); failing and outdated describe the present. A recipe can be both
 * failing and outdated; a regression is not also listed as failing.
 */
export function classifyDigest(entries: readonly DigestEntry[], options: ClassifyOptions): Lists {
  const out: Lists = { regressed: [], improved: [], failing: [], outdated: [], passing: 0 };
  const now = options.now.getTime();
  const since = options.since.getTime();
  for (const e of [...entries].sort((a, b) => a.recipe.localeCompare(b.recipe))) {
    const finished = e.finished_at === null ? Number.NaN : Date.parse(e.finished_at);
    const stale = !Number.isFinite(finished) || now - finished > options.outdatedMs;
    if (stale) out.outdated.push(e);
    if (e.run_id === null) continue;
    const fresh = Number.isFinite(finished) && finished >= since;
    const compared = e.level !== null && e.previous_level !== null;
    if (fresh && compared && (e.level as number) < (e.previous_level as number)) {
      out.regressed.push(e);
    } else if (e.level === null || e.level === 0) {
      out.failing.push(e);
    } else if (fresh && compared && e.level > (e.previous_level as number)) {
      out.improved.push(e);
    }
    if (e.level !== null && e.level > 0 && !stale) out.passing++;
  }
  return out;
}

/** `digest-20261202T0000Z`: the start of the digest's period, to the minute, UTC. */
export function digestId(periodStart: Date): string {
  const iso = periodStart.toISOString();
  return `digest-${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 16).replace(':', '')}Z`;
}

export interface BuildDigestInput {
  store: Store;
  /** Enrolled repositories with their recipe names. */
  recipes: readonly { repo: string; recipe: string }[];
  publicUrl: string;
  now: Date;
  periodStart: Date;
  /** Start of the changes window when there is no previous digest. */
  fallbackSince: Date;
  outdatedMs: number;
}

/** Reads each enrolled recipe's default-branch state from the store and classifies it. */
export function buildDigest(input: BuildDigestInput): Digest {
  const { store, publicUrl } = input;
  const previous = store.latestDigest();
  const since = previous ? new Date(previous.createdAt) : input.fallbackSince;
  const entries: DigestEntry[] = input.recipes.map(({ repo, recipe }) => {
    const run = store.latestDefaultRun(recipe);
    return {
      recipe,
      repo,
      run_id: run?.id ?? null,
      run_url: run ? `${publicUrl}/runs/${run.id}` : null,
      level: run?.level ?? null,
      previous_level: run ? store.defaultBranchLevel(recipe, run.id) : null,
      sha: run?.headSha ?? null,
      finished_at: run?.finishedAt ?? null,
      error: run && run.level === null ? (run.error ?? 'no results') : null,
    };
  });
  const lists = classifyDigest(entries, { now: input.now, since, outdatedMs: input.outdatedMs });
  return {
    type: 'ccci.digest',
    version: 1,
    id: digestId(input.periodStart),
    created_at: input.now.toISOString(),
    since: since.toISOString(),
    dashboard_url: `${publicUrl}/digest`,
    outdated_days: Math.round(input.outdatedMs / 86_400_000),
    summary: {
      recipes: entries.length,
      regressed: lists.regressed.length,
      improved: lists.improved.length,
      failing: lists.failing.length,
      outdated: lists.outdated.length,
      passing: lists.passing,
    },
    regressed: lists.regressed,
    improved: lists.improved,
    failing: lists.failing,
    outdated: lists.outdated,
  };
}

export function parseDigest(record: DigestRecord): Digest {
  return JSON.parse(record.json) as Digest;
}
