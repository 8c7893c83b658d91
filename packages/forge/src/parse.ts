import { CcciError } from '@ccci/contracts';

/** Shape checks for forge answers: anything unexpected becomes a MalformedAnswer, never a crash. */
export class MalformedAnswer extends CcciError<'FORGE_MALFORMED_ANSWER'> {
  constructor(message: string) {
    super('FORGE_MALFORMED_ANSWER', message);
  }
}

export type Json = Record<string, unknown>;

export function asObject(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedAnswer(`${where}: expected a JSON object, found ${describe(value)}`);
  }
  return value as Json;
}

export function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new MalformedAnswer(`${where}: expected a JSON array, found ${describe(value)}`);
  }
  return value;
}

export function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') {
    throw new MalformedAnswer(`${where}.${key}: expected a string, found ${describe(v)}`);
  }
  return v;
}

export function optStr(o: Json, key: string, where: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') {
    throw new MalformedAnswer(`${where}.${key}: expected a string or null, found ${describe(v)}`);
  }
  return v;
}

export function int(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new MalformedAnswer(`${where}.${key}: expected an integer, found ${describe(v)}`);
  }
  return v;
}

export function bool(o: Json, key: string, where: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') {
    throw new MalformedAnswer(`${where}.${key}: expected true or false, found ${describe(v)}`);
  }
  return v;
}

/** RFC 3339 in, RFC 3339 UTC at one-second resolution out (forges store seconds). */
export function time(o: Json, key: string, where: string): string {
  const raw = str(o, key, where);
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d\d-\d\dT/.test(raw) || Number.isNaN(ms)) {
    throw new MalformedAnswer(`${where}.${key}: expected an RFC 3339 time, found ${describe(raw)}`);
  }
  return formatRfc3339(new Date(ms));
}

/** An optional RFC 3339 time: absent or null → null; anything else must be a time. */
export function optTime(o: Json, key: string, where: string): string | null {
  const v = o[key];
  return v === undefined || v === null ? null : time(o, key, where);
}

/** `2026-11-22T03:24:31Z`: the form both forges accept for `since`/`before`. */
export function formatRfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return value.length > 40 ? `a string (${value.length} chars)` : JSON.stringify(value);
  }
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}
