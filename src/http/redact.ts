/**
 * Removes secrets from any text before it is printed or stored. Secrets are registered for the
 * process (the CLI's API key and Basic password) or for as long as a run needs them (a key the
 * run created, a serve caller's credentials); Authorization-looking fragments are masked
 * whatever their value.
 */
export class Redactor {
  /** secret → how many holders; Infinity for process-lifetime secrets */
  private readonly secrets = new Map<string, number>();

  /** very short values would mask ordinary words; they are not useful secrets anyway */
  private static usable(secret: string | undefined): secret is string {
    return !!secret && secret.length >= 4;
  }

  add(secret: string | undefined): void {
    if (Redactor.usable(secret)) this.secrets.set(secret, Infinity);
  }

  /** Masks `secret` until the returned function is called (counted: concurrent holders are fine). */
  addScoped(secret: string | undefined): () => void {
    if (!Redactor.usable(secret)) return () => undefined;
    this.secrets.set(secret, (this.secrets.get(secret) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.secrets.get(secret) ?? 1) - 1;
      if (left <= 0) this.secrets.delete(secret);
      else this.secrets.set(secret, left);
    };
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets.keys()) out = out.split(s).join('***');
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***');
  }
}

/** Process-wide redactor used by CLI output, reports and serve logs. */
export const redactor = new Redactor();
