// A small Nix lexer: enough for brackets, identifiers, strings and paths, and for reading
// the option names declared under `options.services.ccci`.

/** Tokens of a Nix file: punctuation, identifiers, strings (with their text) and paths. */
export function lexNix(src) {
  const tokens = [];
  const stack = []; // open brackets and string interpolations
  let i = 0;
  let line = 1;
  let col = 1;
  const problems = [];
  const advance = (n) => {
    for (let k = 0; k < n; k++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  const closer = { '(': ')', '[': ']', '{': '}', '${': '}' };

  function readString(kind, startLine, startCol) {
    // kind: '"' or "''". Returns the literal text; handles ${ } by recursing into code.
    let text = '';
    for (;;) {
      if (i >= src.length) {
        problems.push(`${startLine}:${startCol}: unterminated string`);
        return text;
      }
      if (kind === '"') {
        if (src[i] === '\\') {
          text += src[i + 1] ?? '';
          advance(2);
          continue;
        }
        if (src[i] === '"') {
          advance(1);
          return text;
        }
      } else {
        if (src.startsWith("'''", i)) {
          text += "''";
          advance(3);
          continue;
        }
        if (src.startsWith("''$", i) || src.startsWith("''\\", i)) {
          text += src[i + 2];
          advance(3);
          continue;
        }
        if (src.startsWith("''", i)) {
          advance(2);
          return text;
        }
      }
      if (src.startsWith('${', i)) {
        const l = line;
        const c = col;
        advance(2);
        code(['${', l, c]);
        text += '$' + '{…}'; // a placeholder for the interpolation
        continue;
      }
      text += src[i];
      advance(1);
    }
  }

  function code(opened) {
    if (opened) stack.push(opened);
    const depth = stack.length;
    while (i < src.length) {
      const ch = src[i];
      if (ch === '#') {
        while (i < src.length && src[i] !== '\n') advance(1);
        continue;
      }
      if (src.startsWith('/*', i)) {
        const end = src.indexOf('*/', i + 2);
        advance((end < 0 ? src.length : end + 2) - i);
        continue;
      }
      if (/\s/.test(ch)) {
        advance(1);
        continue;
      }
      const l = line;
      const c = col;
      if (ch === '"' || src.startsWith("''", i)) {
        const kind = ch === '"' ? '"' : "''";
        advance(kind.length);
        const text = readString(kind, l, c);
        tokens.push({ type: 'string', value: text, line: l, col: c });
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') {
        stack.push([ch, l, c]);
        tokens.push({ type: 'punct', value: ch, line: l, col: c });
        advance(1);
        continue;
      }
      if (ch === ')' || ch === ']' || ch === '}') {
        const open = stack.pop();
        if (!open) problems.push(`${l}:${c}: "${ch}" closes nothing`);
        else if (closer[open[0]] !== ch) {
          problems.push(
            `${l}:${c}: "${ch}" does not match "${open[0]}" opened at ${open[1]}:${open[2]}`,
          );
        }
        advance(1);
        if (open && open[0] === '${') {
          if (stack.length < depth) return;
          continue;
        }
        tokens.push({ type: 'punct', value: ch, line: l, col: c });
        continue;
      }
      const path = /^(\.{1,2}|~)?(\/[A-Za-z0-9._+-]+)+/.exec(src.slice(i));
      if (path && (ch === '.' || ch === '/' || ch === '~')) {
        tokens.push({ type: 'path', value: path[0], line: l, col: c });
        advance(path[0].length);
        continue;
      }
      const ident = /^[A-Za-z_][A-Za-z0-9_'-]*/.exec(src.slice(i));
      if (ident) {
        tokens.push({ type: 'ident', value: ident[0], line: l, col: c });
        advance(ident[0].length);
        continue;
      }
      tokens.push({ type: 'punct', value: ch, line: l, col: c });
      advance(1);
    }
  }

  code(null);
  for (const open of stack) problems.push(`${open[1]}:${open[2]}: "${open[0]}" is never closed`);
  return { tokens, problems };
}

/** Declared option paths under `options.services.ccci = { … }` (e.g. `forge.repos`). */
export function declaredOptions(tokens) {
  const start = tokens.findIndex(
    (t, k) =>
      t.value === 'options' &&
      tokens[k + 2]?.value === 'services' &&
      tokens[k + 4]?.value === 'ccci' &&
      tokens[k + 5]?.value === '=' &&
      tokens[k + 6]?.value === '{',
  );
  if (start < 0) return null;
  const declared = new Set();
  const stack = []; // { name, group }
  const pathOf = (name) =>
    [
      ...stack
        .filter((s) => s.group)
        .map((s) => s.name)
        .slice(1),
      name,
    ].join('.');
  // mkOption and options.nix's own makers of options (its `let` block).
  const optionMakers = new Set([
    'mkOption',
    'mkEnableOption',
    'option',
    'nullOption',
    'secretFileOption',
    'checkoutPathOption',
    'packageOption',
  ]);
  for (let k = start + 6; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.value === '{' || t.value === '[' || t.value === '(') {
      const name =
        tokens[k - 2]?.type === 'ident' && tokens[k - 1]?.value === '='
          ? tokens[k - 2].value
          : null;
      stack.push({ name: name ?? '', group: name !== null || stack.length === 0 });
      continue;
    }
    if (t.value === '}' || t.value === ']' || t.value === ')') {
      stack.pop();
      if (stack.length === 0) break;
      continue;
    }
    const top = stack[stack.length - 1];
    if (
      top?.group &&
      t.type === 'ident' &&
      tokens[k + 1]?.value === '=' &&
      optionMakers.has(tokens[k + 2]?.value)
    ) {
      declared.add(pathOf(t.value));
    }
  }
  return declared;
}
