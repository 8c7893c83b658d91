import { RUNG_NAMES, type RungName } from '@ccci/results';
import { Lexer, type Token } from 'marked';

/** What a comment asks for. */
export type Command =
  | { kind: 'none' }
  | { kind: 'testme'; quick: boolean; stages: RungName[] | null }
  | { kind: 'invalid'; reason: string };

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

/**
 * Parses the `!testme` command: the exact word at the start of a line of prose, then flags
 * `--quick` and `--stages=install,upgrade,…`. An unknown or malformed flag makes the command
 * invalid, with a reason the refusal reply shows. Pure.
 */
export function parseCommand(body: string): Command {
  const m = LINE.exec(prose(body.replace(/\r\n?/g, '\n')));
  if (!m) return { kind: 'none' };
  const words = (m[1] ?? '')
    .trim()
    .split(/[ \t]+/)
    .filter(Boolean);
  let quick = false;
  let stages: RungName[] | null = null;
  for (const word of words) {
    if (word === '--quick') {
      quick = true;
      continue;
    }
    const st = /^--stages=(.*)$/.exec(word);
    if (st) {
      const list = (st[1] ?? '').split(',').filter(Boolean);
      if (list.length === 0) {
        return {
          kind: 'invalid',
          reason: `\`--stages\` needs a list, e.g. \`--stages=install,upgrade\``,
        };
      }
      stages = [];
      for (const s of list) {
        if (!(RUNG_NAMES as readonly string[]).includes(s)) {
          return {
            kind: 'invalid',
            reason: `unknown stage \`${clip(s)}\`; expected some of ${RUNG_NAMES.join(', ')}`,
          };
        }
        if (!stages.includes(s as RungName)) stages.push(s as RungName);
      }
      continue;
    }
    return {
      kind: 'invalid',
      reason: `unknown flag \`${clip(word)}\`; \`!testme\` accepts \`--quick\` and \`--stages=${RUNG_NAMES.join(',')}\``,
    };
  }
  return { kind: 'testme', quick, stages };
}

function clip(text: string): string {
  const safe = text.replace(/[`\\]/g, '');
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}
