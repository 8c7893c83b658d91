import { isRecipeName, RECIPE_NAME } from '@ccci/contracts';
import {
  RUN_BRANCHES,
  RUN_STATUSES,
  type RunBranch,
  type RunCursor,
  type RunListQuery,
  type RunStatus,
} from '@ccci/store';

export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const PARAMS = ['recipe', 'branch', 'pr', 'status', 'before', 'limit'] as const;
type Param = (typeof PARAMS)[number];

/** A query parameter that cannot be read: which one, what it takes, what came. */
interface QueryProblem {
  parameter: string;
  expected: string;
  found: string;
}

export type ParsedRunQuery =
  | { ok: true; query: RunListQuery }
  | { ok: false; problem: QueryProblem };

export interface ParseRunQueryOptions {
  /** Parameters this caller takes (a recipe page has its recipe in the path). Default all. */
  accept?: readonly Param[];
  /** Unknown parameters are an error (the API) or ignored (pages). Default true. */
  strict?: boolean;
}

/** The opaque `before` cursor: base64url of `[createdAt, id]`. */
export function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

function decodeCursor(text: string): RunCursor | null {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [createdAt, id] = value as [unknown, unknown];
    if (typeof createdAt !== 'string' || !ISO.test(createdAt)) return null;
    if (typeof id !== 'string' || !RUN_ID.test(id)) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

const show = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/**
 * Reads `recipe`, `branch`, `pr`, `status`, `before`, `limit` (see docs/dashboard.md). An empty
 * value is no filter (what a plain GET form sends for "any"); `status` takes a comma list or
 * repeats; every other parameter at most once.
 */
export function parseRunQuery(
  params: URLSearchParams,
  options: ParseRunQueryOptions = {},
): ParsedRunQuery {
  const accept = new Set<string>(options.accept ?? PARAMS);
  const problem = (parameter: string, expected: string, found: string): ParsedRunQuery => ({
    ok: false,
    problem: { parameter, expected, found },
  });
  for (const key of new Set(params.keys())) {
    if (accept.has(key)) {
      if (key !== 'status' && params.getAll(key).length > 1)
        return problem(key, 'at most one value', `${params.getAll(key).length} values`);
    } else if (options.strict ?? true) {
      return problem(
        key,
        `no such parameter (known: ${[...accept].join(', ')})`,
        show(params.get(key) ?? ''),
      );
    }
  }
  const get = (key: Param) => {
    const v = accept.has(key) ? params.get(key)?.trim() : undefined;
    return v === undefined || v === '' ? undefined : v;
  };
  const query: RunListQuery = { limit: DEFAULT_PAGE_SIZE };
  const recipe = get('recipe');
  if (recipe !== undefined) {
    if (!isRecipeName(recipe))
      return problem('recipe', `a recipe name matching ${RECIPE_NAME}`, show(recipe));
    query.recipe = recipe;
  }
  const branch = get('branch');
  if (branch !== undefined) {
    if (!(RUN_BRANCHES as readonly string[]).includes(branch))
      return problem('branch', `one of ${RUN_BRANCHES.join(', ')}`, show(branch));
    query.branch = branch as RunBranch;
  }
  const pr = get('pr');
  if (pr !== undefined) {
    if (!/^[1-9]\d{0,9}$/.test(pr) || Number(pr) > 2 ** 31 - 1)
      return problem('pr', 'a pull request number (a positive integer)', show(pr));
    query.pr = Number(pr);
  }
  const statuses = accept.has('status')
    ? params
        .getAll('status')
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean)
    : [];
  for (const s of statuses) {
    if (!(RUN_STATUSES as readonly string[]).includes(s))
      return problem('status', `a comma list of ${RUN_STATUSES.join(', ')}`, show(s));
  }
  if (statuses.length > 0) query.statuses = statuses as RunStatus[];
  const before = get('before');
  if (before !== undefined) {
    const cursor = decodeCursor(before);
    if (!cursor) return problem('before', 'the `next` cursor of a previous answer', show(before));
    query.before = cursor;
  }
  const limit = get('limit');
  if (limit !== undefined) {
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE_SIZE)
      return problem('limit', `an integer from 1 to ${MAX_PAGE_SIZE}`, show(limit));
    query.limit = Number(limit);
  }
  return { ok: true, query };
}

/** The query string of `query` (filters and page size; `before` when given), for links. */
export function runQueryString(
  query: RunListQuery,
  before?: RunCursor | null,
  skip: readonly Param[] = [],
): string {
  const p = new URLSearchParams();
  const add = (k: Param, v: string | undefined) => {
    if (v !== undefined && !skip.includes(k)) p.set(k, v);
  };
  add('recipe', query.recipe);
  add('branch', query.branch);
  add('pr', query.pr === undefined ? undefined : String(query.pr));
  add('status', query.statuses?.length ? query.statuses.join(',') : undefined);
  add('limit', query.limit === DEFAULT_PAGE_SIZE ? undefined : String(query.limit));
  add('before', before ? encodeCursor(before) : undefined);
  const s = p.toString();
  return s ? `?${s}` : '';
}
