import { isRungName, RUNG_NAMES, type RungName } from '@ccci/contracts';
import { COMMENT_MARKER } from '@ccci/results';
import { Lexer, type Token } from 'marked';

/** `!testme keep` without minutes keeps a failed run's app this long. */
const KEEP_DEFAULT_MINUTES = 60;
/** The longest `!testme keep=<minutes>` may ask for. */
export const KEEP_MAX_MINUTES = 240;

/** What a comment asks for. */
export type Command =
  | { kind: 'none' }
  | {
      kind: 'testme';
      quick: boolean;
      stages: RungName[] | null;
      /** `keep`: minutes a failed run's app stays deployed for debugging; null = removed at once. */
      keepMinutes: number | null;
    }
  | { kind: 'cancel' }
  | { kind: 'help' }
  | { kind: 'invalid'; reason: string };

/** One line of `!testme help`; `example` is a comment that must parse to that command. */
export interface CommandSpec {
  usage: string;
  what: string;
  example: string;
}

/**
 * Every command and option: the parser takes its subcommand and flag names from here and
 * `!testme help` lists it, so the help cannot drift from what is accepted (a test parses each
 * example).
 */
const SUBCOMMANDS = {
  keep: {
    usage: '!testme keep[=<minutes>]',
    what: `like \`!testme\`; if the run fails, its app stays deployed for debugging, ${KEEP_DEFAULT_MINUTES} minutes or the minutes given (1–${KEEP_MAX_MINUTES}), then is removed. Flags may follow.`,
    example: '!testme keep=30 --quick',
  },
  cancel: {
    usage: '!testme cancel',
    what: "cancels this pull request's queued or running run",
    example: '!testme cancel',
  },
  help: { usage: '!testme help', what: 'this list', example: '!testme help' },
} as const satisfies Record<string, CommandSpec>;

const FLAGS = {
  '--quick': {
    usage: '--quick',
    what: 'install and lint only: upgrade, backup/restore and functional are not run (reported unverified)',
    example: '!testme --quick',
  },
  '--stages': {
    usage: `--stages=${RUNG_NAMES.join(',')}`,
    what: 'only the rungs listed (any of them, comma-separated); the others are reported unverified',
    example: '!testme --stages=install,upgrade',
  },
} as const satisfies Record<string, CommandSpec>;

const TESTME: CommandSpec = {
  usage: '!testme',
  what: "tests this pull request's head commit: deploys it on the CI swarm, climbs the rungs and reports a level 0–5 in this comment thread and the commit status",
  example: '!testme',
};

/** The whole table, in the order `!testme help` shows it. */
export const COMMANDS: readonly CommandSpec[] = [
  TESTME,
  ...Object.values(FLAGS).map((f) => ({ ...f, usage: `!testme ${f.usage}` })),
  ...Object.values(SUBCOMMANDS),
];

// `!testme` as the first word of a line, followed by whitespace or the line's end:
// `!testmexyz` and `foo !testme` are not the command.
const LINE = /^[ \t]*!testme(?=[ \t]|$)(.*)$/m;

/**
 * The text of a comment a reader sees as prose: its paragraphs (also in lists), as written.
 * Code (fenced or indented), HTML (comments included), quotes of other comments and tables are
 * not prose: a `!testme` there is shown, not said.
 */
function prose(body: string): string {
  const out: string[] = [];
  const walk = (tokens: readonly Token[]) => {
    for (const t of tokens) {
      if (t.type === 'paragraph' || t.type === 'text') out.push(t.raw);
      else if (t.type === 'list') for (const item of t.items) walk(item.tokens);
    }
  };
  walk(new Lexer({ gfm: true }).lex(body));
  return out.join('\n');
}

const SUBCOMMAND_LIST = Object.values(SUBCOMMANDS)
  .map((s) => `\`${s.usage}\``)
  .join(', ');

/**
 * Parses the first `!testme` line of a comment's prose: `!testme [flags]`,
 * `!testme keep[=<minutes>] [flags]`, `!testme cancel`, `!testme help` (see {@link COMMANDS}).
 * Anything else after `!testme` makes the command invalid, with a reason the refusal reply
 * shows. Pure.
 */
export function parseCommand(body: string): Command {
  const m = LINE.exec(prose(body.replace(/\r\n?/g, '\n')));
  if (!m) return { kind: 'none' };
  const words = (m[1] ?? '')
    .trim()
    .split(/[ \t]+/)
    .filter(Boolean);
  let keepMinutes: number | null = null;
  const first = words[0];
  if (first !== undefined && !first.startsWith('-')) {
    words.shift();
    const [name, value] = splitOnce(first, '=');
    if ((name === 'cancel' || name === 'help') && value === undefined) {
      if (words.length > 0) {
        return {
          kind: 'invalid',
          reason: `\`!testme ${name}\` takes nothing after it, found \`${clip(words[0] as string)}\``,
        };
      }
      return { kind: name };
    }
    if (name !== 'keep') {
      return {
        kind: 'invalid',
        reason: `unknown command \`!testme ${clip(first)}\`; the commands are \`!testme\`, ${SUBCOMMAND_LIST} (\`!testme help\` explains them)`,
      };
    }
    if (value === undefined) keepMinutes = KEEP_DEFAULT_MINUTES;
    else {
      const n = /^[0-9]{1,4}$/.test(value) ? Number(value) : Number.NaN;
      if (!(n >= 1 && n <= KEEP_MAX_MINUTES)) {
        return {
          kind: 'invalid',
          reason: `\`keep=\` takes whole minutes from 1 to ${KEEP_MAX_MINUTES}, found \`${clip(value)}\``,
        };
      }
      keepMinutes = n;
    }
  }
  const flags = parseFlags(words);
  if ('reason' in flags) return { kind: 'invalid', reason: flags.reason };
  return { kind: 'testme', ...flags, keepMinutes };
}

function parseFlags(
  words: readonly string[],
): { quick: boolean; stages: RungName[] | null } | { reason: string } {
  let quick = false;
  let stages: RungName[] | null = null;
  for (const word of words) {
    const [name, value] = splitOnce(word, '=');
    if (name === '--quick' && value === undefined) {
      quick = true;
      continue;
    }
    if (name === '--stages' && value !== undefined) {
      const list = value.split(',').filter(Boolean);
      if (list.length === 0) {
        return { reason: `\`--stages\` needs a list, e.g. \`--stages=install,upgrade\`` };
      }
      stages = [];
      for (const s of list) {
        if (!isRungName(s)) {
          return {
            reason: `unknown stage \`${clip(s)}\`; expected some of ${RUNG_NAMES.join(', ')}`,
          };
        }
        if (!stages.includes(s)) stages.push(s);
      }
      continue;
    }
    if (Object.hasOwn(SUBCOMMANDS, name)) {
      return { reason: `\`${name}\` must come right after \`!testme\`, before any flag` };
    }
    return {
      reason: `unknown flag \`${clip(word)}\`; \`!testme\` accepts ${Object.values(FLAGS)
        .map((f) => `\`${f.usage}\``)
        .join(' and ')}`,
    };
  }
  return { quick, stages };
}

function splitOnce(word: string, sep: string): [string, string | undefined] {
  const i = word.indexOf(sep);
  return i < 0 ? [word, undefined] : [word.slice(0, i), word.slice(i + 1)];
}

function clip(text: string): string {
  const safe = text.replace(/[`\\]/g, '');
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}

export interface HelpOptions {
  /** Org whose members may run commands, or null (allowlist only). */
  org: string | null;
  /** Most kept apps at once; 0 = `keep` is refused. */
  keepMax: number;
}

/**
 * The `!testme help` reply: every command and option from {@link COMMANDS}, and who may use
 * them. Markdown; every cell is ours, not user text.
 */
export function renderHelp(options: HelpOptions): string {
  const who =
    options.org === null
      ? 'Only users on the bot’s allowlist may start, keep or cancel runs.'
      : `Only members of **${options.org}** (and users on the bot’s allowlist) may start, keep or cancel runs.`;
  const keep =
    options.keepMax > 0
      ? `At most ${options.keepMax} failed app(s) are kept at once; a kept app and its secrets stay on the CI host, reachable by its operators only, and are removed when the time is up.`
      : '`keep` is turned off on this bot.';
  return [
    COMMENT_MARKER,
    'ℹ️ **ccci** commands: write one as the first word of a line of your comment (not in code or a quote).',
    '',
    '| command | what it does |',
    '| --- | --- |',
    ...COMMANDS.map((c) => `| \`${c.usage}\` | ${c.what.replace(/\|/g, '\\|')} |`),
    '',
    `${who} ${keep}`,
    '',
  ].join('\n');
}
