/**
 * Child process of the harness that holds a recipe's hooks.ts: imports it (through tsx) and runs
 * one hook at a time on the parent's request. A hook reaches the world only through requests the
 * parent carries out (log, http, exec, the screenshot page), so a hook that blocks this event
 * loop blocks nothing of the harness: the parent kills this process's group at its limit.
 * Self-contained: node builtins and tsx (child-common.ts); no secrets in its environment.
 */
import { Socket } from 'node:net';
import { firstLine, importTypeScript } from './child-common.js';
import type { FromChild, HookArg, HookRequest, HttpAnswer, ToChild } from './hook-contract.js';
import { decode, encode, lineReader, PAGE_METHODS } from './hook-contract.js';

// The channel to the harness: JSON lines on descriptor 3.
const channel = new Socket({ fd: 3, readable: true, writable: true });
const send = (m: FromChild) => {
  channel.write(encode(m));
};

let hooks: Record<string, unknown> = {};
let nextRequest = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function request(call: number, what: HookRequest): Promise<unknown> {
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send({ t: 'request', id, call, what });
  });
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}

function argument(call: number, arg: HookArg): unknown {
  if ('$value' in arg) return arg.$value;
  if ('$page' in arg) {
    let url = 'about:blank';
    const page: Record<string, unknown> = { url: () => url };
    for (const method of PAGE_METHODS) {
      if (method === 'url') continue;
      page[method] = async (...args: unknown[]) => {
        const r = (await request(call, { kind: 'page', method, args })) as {
          value: unknown;
          url: string;
        };
        url = r.url;
        return r.value;
      };
    }
    return Object.freeze(page);
  }
  const data = arg.$ctx;
  const log = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: object) =>
    send({ t: 'log', level, message: String(message), ...(fields ? { fields } : {}) });
  return deepFreeze({
    ...data,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    http: async (path: string, init?: RequestInit) => {
      const a = (await request(call, {
        kind: 'http',
        path: String(path),
        method: init?.method ?? 'GET',
        ...(typeof init?.body === 'string' ? { body: init.body } : {}),
      })) as HttpAnswer;
      return new Response(a.status === 204 || a.status === 304 ? null : a.body, {
        status: a.status,
      });
    },
    exec: (service: string, argv: readonly string[], options?: object) =>
      request(call, {
        kind: 'exec',
        service: String(service),
        argv: [...argv].map(String),
        ...(options ? { options } : {}),
      }),
  });
}

async function load(file: string): Promise<void> {
  try {
    const mod = await importTypeScript(file);
    hooks = mod;
    send({
      t: 'loaded',
      names: Object.keys(mod).filter((k) => typeof mod[k] === 'function'),
    });
  } catch (error) {
    send({ t: 'load-failed', message: firstLine(error) });
  }
}

async function call(id: number, name: string, args: HookArg[]): Promise<void> {
  const fn = hooks[name];
  try {
    if (typeof fn !== 'function') throw new Error(`${name} is not a function`);
    const value: unknown = await fn(...args.map((a) => argument(id, a)));
    send({ t: 'done', id, ok: true, value: JSON.parse(JSON.stringify(value ?? null)) });
  } catch (error) {
    send({ t: 'done', id, ok: false, message: firstLine(error) });
  }
}

function onMessage(m: ToChild): void {
  if (m.t === 'load') void load(m.file);
  else if (m.t === 'call') void call(m.id, m.name, m.args);
  else if (m.t === 'reply') {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.value);
    else w?.reject(new Error(m.message));
  }
}

channel.on(
  'data',
  lineReader(
    (line) => onMessage(decode(line) as ToChild),
    () => process.exit(2),
  ),
);
// The harness going away closes the channel: nothing is left to answer to.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));
