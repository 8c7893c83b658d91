// Entry point of the abra double (packages/testbed/bin/abra). A STAND-IN for abra used only by
// tests and the demo; see packages/testbed/README.md for the surface and its abra sources.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { EnvFileError } from '@ccci/abra/env-file';
import { backupCreate, backupList, restore } from './backup.js';
import { deploy } from './deploy.js';
import { crash, type Faults, faults, hang, type Op, recordCall } from './faults.js';
import { logs, ps, run } from './inspect.js';
import { lint } from './lint.js';
import { AbraFatal, fatal, out } from './log.js';
import { appNew, serverAdd } from './new.js';
import { remove, undeploy } from './remove.js';
import { secretCommand, secretInsert, secretRm } from './secrets.js';

type Options = NonNullable<ParseArgsConfig['options']>;

interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function parse(args: string[], options: Options): Parsed {
  try {
    const p = parseArgs({
      args,
      options: {
        'no-input': { type: 'boolean' },
        offline: { type: 'boolean', short: 'o' },
        debug: { type: 'boolean', short: 'd' },
        ...options,
      },
      allowPositionals: true,
      strict: true,
    });
    return { values: p.values as Parsed['values'], positionals: p.positionals };
  } catch (e) {
    fatal((e as Error).message);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean => v === true;

function opOf(args: string[]): Op {
  const [group, cmd, sub] = args;
  if (group === 'server') return 'server';
  if (group === 'recipe') return cmd === 'lint' ? 'lint' : 'other';
  if (group !== 'app') return 'other';
  switch (cmd) {
    case 'new':
    case 'deploy':
    case 'undeploy':
    case 'restore':
    case 'ps':
    case 'run':
    case 'logs':
      return cmd;
    case 'rm':
    case 'remove':
      return 'rm';
    case 'secret':
      return 'secret';
    case 'backup':
      return sub === 'create' ? 'backup' : 'other';
    default:
      return 'other';
  }
}

/** `app run <domain> <service> [flags] [--] cmd…`: flags only before the command. */
function splitRun(args: string[]) {
  const pos: string[] = [];
  let noTty = false;
  let user: string | undefined;
  let i = 0;
  for (; i < args.length && pos.length < 2; i++) {
    const a = args[i] as string;
    if (a === '-t' || a === '--no-tty') noTty = true;
    else if (a === '-u' || a === '--user') user = args[++i];
    else if (a === '--') break;
    else pos.push(a);
  }
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-t' || a === '--no-tty') noTty = true;
    else if (a === '-u' || a === '--user') user = args[++i];
    else break;
  }
  if (args[i] === '--') i++;
  return { domain: pos[0], service: pos[1], cmd: args.slice(i), noTty, user };
}

async function dispatch(args: string[], f: Faults): Promise<number> {
  const [group, cmd, ...rest] = args;
  if (group === 'server' && cmd === 'add') {
    const p = parse(rest, { local: { type: 'boolean', short: 'l' } });
    serverAdd(p.positionals[0], bool(p.values['local']) || p.positionals[0] === 'default');
    return 0;
  }
  if (group === 'recipe' && cmd === 'lint') {
    await lint(parse(rest, { chaos: { type: 'boolean', short: 'C' } }).positionals[0]);
    return 0;
  }
  if (group !== 'app') fatal(`unknown command ${args.slice(0, 2).join(' ')} (abra double)`);
  switch (cmd) {
    case 'new': {
      const p = parse(rest, {
        server: { type: 'string', short: 's' },
        domain: { type: 'string', short: 'D' },
        secrets: { type: 'boolean', short: 'S' },
        chaos: { type: 'boolean', short: 'C' },
        pass: { type: 'boolean', short: 'p' },
      });
      await appNew(p.positionals[0], p.positionals[1], {
        server: str(p.values['server']),
        domain: str(p.values['domain']),
        secrets: bool(p.values['secrets']),
        chaos: bool(p.values['chaos']),
      });
      return 0;
    }
    case 'deploy': {
      // -n (as in the brief's abra surface) and -D (newer abra) both mean --no-domain-checks.
      const flags = rest.map((a) => (a === '-D' ? '-n' : a));
      const p = parse(flags, {
        chaos: { type: 'boolean', short: 'C' },
        force: { type: 'boolean', short: 'f' },
        'no-domain-checks': { type: 'boolean', short: 'n' },
        'no-converge-checks': { type: 'boolean', short: 'c' },
      });
      await deploy(
        p.positionals[0],
        {
          version: p.positionals[1],
          chaos: bool(p.values['chaos']),
          force: bool(p.values['force']),
          noDomainChecks: bool(p.values['no-domain-checks']),
          noConvergeChecks: bool(p.values['no-converge-checks']),
        },
        f,
      );
      return 0;
    }
    case 'undeploy':
      // --prune (prune unused objects after undeploy) is accepted; the double waits for the
      // stack's objects to be gone anyway.
      await undeploy(parse(rest, { prune: { type: 'boolean', short: 'p' } }).positionals[0]);
      return 0;
    case 'rm':
    case 'remove': {
      const p = parse(rest, {
        force: { type: 'boolean', short: 'f' },
        volumes: { type: 'boolean' },
      });
      // --no-input (abra's global flag) answers prompts with their default action: proceed.
      await remove(p.positionals[0], {
        force: bool(p.values['force']) || bool(p.values['no-input']),
      });
      return 0;
    }
    case 'secret': {
      const [sub, ...more] = rest;
      if (sub === 'rm' || sub === 'remove') {
        const p = parse(more, {
          all: { type: 'boolean', short: 'a' },
          pass: { type: 'boolean', short: 'P' },
        });
        await secretRm(p.positionals[0], {
          all: bool(p.values['all']),
          secret: p.positionals[1],
        });
        return 0;
      }
      if (sub === 'insert' || sub === 'i') {
        const p = parse(more, {
          file: { type: 'boolean', short: 'f' },
          trim: { type: 'boolean', short: 't' },
          pass: { type: 'boolean', short: 'P' },
          chaos: { type: 'boolean', short: 'C' },
        });
        await secretInsert(p.positionals[0], p.positionals.slice(1), {
          file: bool(p.values['file']),
          trim: bool(p.values['trim']),
        });
        return 0;
      }
      if (sub !== 'generate' && sub !== 'gen')
        fatal(
          `unknown command app secret ${sub ?? ''} (abra double supports: generate, insert, rm)`,
        );
      const p = parse(more, {
        all: { type: 'boolean', short: 'a' },
        machine: { type: 'boolean', short: 'm' },
      });
      await secretCommand(p.positionals[0], {
        all: bool(p.values['all']),
        machine: bool(p.values['machine']),
        secret: p.positionals[1],
      });
      return 0;
    }
    case 'backup': {
      const [sub, ...more] = rest;
      const p = parse(more, {});
      if (sub === 'create') await backupCreate(p.positionals[0], p.positionals[1], f);
      else if (sub === 'ls' || sub === 'list') backupList(p.positionals[0]);
      else fatal(`unknown command app backup ${sub ?? ''} (abra double supports: create, ls)`);
      return 0;
    }
    case 'restore': {
      const p = parse(rest, { snapshot: { type: 'string', short: 's' } });
      await restore(p.positionals[0], p.positionals[1], str(p.values['snapshot']), f);
      return 0;
    }
    case 'ps': {
      const p = parse(rest, { machine: { type: 'boolean', short: 'm' } });
      await ps(p.positionals[0], bool(p.values['machine']));
      return 0;
    }
    case 'run': {
      const r = splitRun(rest);
      return run(r.domain, r.service, r.cmd, { noTty: r.noTty, user: r.user });
    }
    case 'logs': {
      const p = parse(rest, { follow: { type: 'boolean', short: 'f' }, tail: { type: 'string' } });
      await logs(p.positionals[0], p.positionals[1], {
        follow: bool(p.values['follow']),
        tail: str(p.values['tail']),
      });
      return 0;
    }
    default:
      fatal(`unknown command app ${cmd ?? ''} (abra double)`);
  }
}

async function main(args: string[]): Promise<number> {
  if (args[0] === '-v' || args[0] === '--version' || args[0] === 'version') {
    out('abra version 0.0.0-ccci-double (stand-in, not the real abra)');
    return 0;
  }
  // abra needs a terminal: without one its terminal setup fails with ENOTTY, seen by callers
  // as `FATA inappropriate ioctl for device` (the quirk every wrapper must handle).
  if (!process.stdin.isTTY || !process.stdout.isTTY) fatal('inappropriate ioctl for device');
  const op = opOf(args);
  const f = faults(op, recordCall(op, args), args);
  if (f.has('crash')) crash();
  if (f.has('hang')) await hang();
  return dispatch(args, f);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof AbraFatal) process.stderr.write(`FATA ${e.message}\n`);
    // abra's words for an env file its reader refuses (the reader: @ccci/abra env-file.ts).
    else if (e instanceof EnvFileError)
      process.stderr.write(`FATA unable to read env file ${e.message}\n`);
    else
      process.stderr.write(
        `FATA abra double internal error: ${(e as Error)?.stack ?? String(e)}\n`,
      );
    process.exitCode = 1;
  },
);
