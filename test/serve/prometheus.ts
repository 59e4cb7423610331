/**
 * A tiny parser of the Prometheus text format for the tests: every non-comment line must be
 * `name{label="value",...} number`, with `\\`, `\"` and `\n` escapes in label values.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const body = m[3] ?? '';
    let i = 0;
    while (i < body.length) {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(body.slice(i));
      if (!lm) throw new Error(`bad labels: ${JSON.stringify(body)}`);
      i += lm[0].length;
      let value = '';
      for (;;) {
        const c = body[i];
        if (c === undefined) throw new Error(`unterminated label value: ${JSON.stringify(body)}`);
        i++;
        if (c === '"') break;
        if (c === '\\') {
          const e = body[i++];
          value += e === 'n' ? '\n' : e === '\\' ? '\\' : e === '"' ? '"' : (() => { throw new Error(`bad escape \\${e}`); })();
        } else value += c;
      }
      labels[lm[1]!] = value;
      if (body[i] === ',') i++;
      else if (i < body.length) throw new Error(`bad label separator: ${JSON.stringify(body)}`);
    }
    const raw = m[4]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (raw !== 'NaN' && Number.isNaN(value)) throw new Error(`bad value: ${raw}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}
