// A small Dockerfile / .dockerignore reader for the replay test. It understands what our
// Dockerfile uses (ARG, FROM … AS, ENV, WORKDIR, COPY [--from], RUN shell form, USER, VOLUME,
// ENTRYPOINT/CMD exec form) and refuses anything else, so the replay cannot drift silently.

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  args: Record<string, string>;
  stages: Stage[];
}

const KNOWN = new Set(['ARG', 'FROM', 'ENV', 'WORKDIR', 'COPY', 'RUN', 'USER', 'VOLUME', 'ENTRYPOINT', 'CMD', 'LABEL', 'EXPOSE']);

export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());

  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const op = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (!KNOWN.has(op)) throw new Error(`Dockerfile: instruction ${op} is not understood by the replay test`);
    if (op === 'ARG' && stages.length === 0) {
      const [k, v = ''] = rest.split('=');
      args[k!.trim()] = v.trim();
      continue;
    }
    if (op === 'FROM') {
      const fm = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!fm) throw new Error(`Dockerfile: cannot parse FROM ${rest}`);
      const image = fm[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args[a ?? b] ?? '');
      stages.push({ name: fm[2] ?? String(stages.length), image, instructions: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`Dockerfile: ${op} before FROM`);
    stages.at(-1)!.instructions.push({ op, args: rest });
  }
  return { args, stages };
}

/** ENV KEY=VALUE [KEY=VALUE…] (unquoted values only). */
export function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of args.split(/\s+/).filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new Error(`Dockerfile: ENV ${args} must use KEY=VALUE`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export interface CopySpec {
  from?: string;
  chown?: string;
  sources: string[];
  dest: string;
}

export function parseCopy(args: string): CopySpec {
  if (args.trim().startsWith('[')) throw new Error('Dockerfile: COPY in JSON form is not understood by the replay test');
  const tokens = args.split(/\s+/).filter(Boolean);
  const spec: CopySpec = { sources: [], dest: '' };
  while (tokens[0]?.startsWith('--')) {
    const flag = tokens.shift()!;
    const [k, v] = flag.slice(2).split('=');
    if (k === 'from') spec.from = v;
    else if (k === 'chown') spec.chown = v;
    else throw new Error(`Dockerfile: COPY flag ${flag} is not understood by the replay test`);
  }
  spec.dest = tokens.pop()!;
  spec.sources = tokens;
  if (!spec.dest || spec.sources.length === 0) throw new Error(`Dockerfile: cannot parse COPY ${args}`);
  return spec;
}

/** ENTRYPOINT/CMD/VOLUME exec (JSON) form. */
export function parseExecForm(args: string): string[] {
  const value = JSON.parse(args) as unknown;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`not an exec-form array: ${args}`);
  return value as string[];
}

/** Splits a RUN shell command on && into argv lists; refuses shell syntax it cannot replay. */
export function splitRun(args: string): string[][] {
  if (/[|;'"`$<>(){}]/.test(args.replace(/&&/g, ''))) {
    throw new Error(`Dockerfile: RUN ${args} uses shell syntax the replay test does not model`);
  }
  return args.split('&&').map((cmd) => cmd.trim().split(/\s+/).filter(Boolean));
}

// ---- .dockerignore --------------------------------------------------------------------------

interface IgnoreRule {
  negate: boolean;
  re: RegExp;
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Docker's rules: later lines win; a pattern matching a parent directory matches its contents. */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = (negate ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
    rules.push({ negate, re: globToRegExp(pattern) });
  }
  return (path: string) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (prefixes.some((p) => rule.re.test(p))) excluded = !rule.negate;
    }
    return excluded;
  };
}
