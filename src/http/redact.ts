/**
 * Removes secrets from any text before it is printed or stored. Secrets are registered once at
 * start-up (API key, Basic password, bearer tokens); Authorization-looking fragments are masked
 * whatever their value.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // very short values would mask ordinary words; they are not useful secrets anyway
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  /**
   * Adds a secret that lives only as long as a run (a freshly issued key); the returned
   * function forgets it, so a long-lived `serve` does not collect one key per run.
   */
  addScoped(secret: string | undefined): () => void {
    if (!secret || secret.length < 4 || this.secrets.has(secret)) return () => undefined;
    this.secrets.add(secret);
    return () => this.secrets.delete(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***');
  }
}

/** Process-wide redactor used by CLI output, reports and serve logs. */
export const redactor = new Redactor();
