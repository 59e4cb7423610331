/**
 * Removes secrets from any text before it is printed or stored. Secrets are registered for the
 * process (the CLI's API key and Basic password, a key a run created) or for as long as a run
 * needs them (a serve caller's credentials); Authorization-looking fragments are masked whatever
 * their value. The recorder masks every failure name as it is recorded, so this runs once per
 * failure: one regular expression over all secrets, rebuilt only when the set changes.
 */
export class Redactor {
  /** secret → how many holders; Infinity for process-lifetime secrets */
  private readonly secrets = new Map<string, number>();
  /** the registered secrets as one alternation, longest first; undefined when none */
  private pattern: RegExp | undefined;

  /** very short values would mask ordinary words; they are not useful secrets anyway */
  private static usable(secret: string | undefined): secret is string {
    return !!secret && secret.length >= 4;
  }

  add(secret: string | undefined): void {
    if (!Redactor.usable(secret)) return;
    if (this.secrets.get(secret) !== Infinity) this.changed();
    this.secrets.set(secret, Infinity);
  }

  /** Masks `secret` until the returned function is called (counted: concurrent holders are fine). */
  addScoped(secret: string | undefined): () => void {
    if (!Redactor.usable(secret)) return () => undefined;
    if (!this.secrets.has(secret)) this.changed();
    this.secrets.set(secret, (this.secrets.get(secret) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.secrets.get(secret) ?? 1) - 1;
      if (left <= 0) {
        this.secrets.delete(secret);
        this.changed();
      } else this.secrets.set(secret, left);
    };
  }

  redact(text: string): string {
    if (this.pattern === undefined && this.secrets.size > 0) {
      const escaped = [...this.secrets.keys()].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.pattern = new RegExp(escaped.join('|'), 'g');
    }
    const out = this.pattern ? text.replace(this.pattern, '***') : text;
    return out.replace(AUTH_VALUE, '$1 ***');
  }

  private changed(): void {
    this.pattern = undefined;
  }
}

const AUTH_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/** Process-wide redactor used by CLI output, reports and serve logs. */
export const redactor = new Redactor();
