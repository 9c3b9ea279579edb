/**
 * Debian source packages, fetched with `apt-get source` through a private apt configuration:
 * the machine's own Debian mirror (read from its `deb` entries) as a `deb-src` entry, with
 * private lists and cache folders, so the system's sources and state are never changed.
 * Unpacked trees are cached by package and version; a cached tree costs no network access.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SemblanceError } from '../../util/errors.js';

const run = promisify(execFile);

/** One `deb`/`deb-src` entry of an apt configuration. */
export interface AptEntry {
  readonly types: readonly string[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  readonly components: readonly string[];
  readonly signedBy?: string;
}

/** Entries of a one-line `sources.list` file. */
export function parseOneLineSources(text: string): AptEntry[] {
  const out: AptEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const opts = new Map((m[2] ?? '').trim().split(/\s+/).filter(Boolean).map((o) => o.split('=', 2) as [string, string]));
    const signedBy = opts.get('signed-by');
    out.push({ types: [m[1]!], uris: [m[3]!], suites: [m[4]!], components: m[5]!.split(/\s+/).filter(Boolean), ...(signedBy ? { signedBy } : {}) });
  }
  return out;
}

/** Entries of a deb822 `.sources` file (an inline key in Signed-By is dropped: apt's keyrings then apply). */
export function parseDeb822Sources(text: string): AptEntry[] {
  const out: AptEntry[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of para.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^\s/.test(line) && last) { fields.set(last, `${fields.get(last)}\n${line.trim()}`); continue; }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) { last = m[1]!.toLowerCase(); fields.set(last, m[2]!.trim()); }
    }
    if (!fields.has('types') || !fields.has('uris') || fields.get('enabled') === 'no') continue;
    const words = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter(Boolean);
    const signedBy = fields.get('signed-by');
    out.push({
      types: words('types'), uris: words('uris'), suites: words('suites'), components: words('components'),
      ...(signedBy && !signedBy.includes('\n') && signedBy.startsWith('/') ? { signedBy } : {}),
    });
  }
  return out;
}

/**
 * The `deb-src` lines for the machine's Debian mirror: every `deb` entry of the Debian release
 * (`codename`, from /etc/os-release; all entries when unknown) turned into `deb-src`.
 */
export function debSrcLines(entries: readonly AptEntry[], codename: string | undefined): string[] {
  const lines = new Set<string>();
  for (const e of entries) {
    if (!e.types.includes('deb') && !e.types.includes('deb-src')) continue;
    const suites = e.suites.filter((s) => !codename || s === codename || s.startsWith(`${codename}-`) || s.startsWith(`${codename}/`));
    for (const uri of e.uris) {
      for (const suite of suites) {
        const opt = e.signedBy ? `[signed-by=${e.signedBy}] ` : '';
        lines.add(`deb-src ${opt}${uri} ${suite} ${e.components.join(' ')}`.trim());
      }
    }
  }
  return [...lines];
}

/** Reads the system's apt sources (never writes them). */
export function systemDebSrcLines(etc = '/etc'): string[] {
  const entries: AptEntry[] = [];
  const list = join(etc, 'apt/sources.list');
  if (existsSync(list)) entries.push(...parseOneLineSources(readFileSync(list, 'utf8')));
  const parts = join(etc, 'apt/sources.list.d');
  if (existsSync(parts)) {
    for (const f of readdirSync(parts).sort()) {
      if (f.endsWith('.list')) entries.push(...parseOneLineSources(readFileSync(join(parts, f), 'utf8')));
      else if (f.endsWith('.sources')) entries.push(...parseDeb822Sources(readFileSync(join(parts, f), 'utf8')));
    }
  }
  const osRelease = join(etc, 'os-release');
  const codename = existsSync(osRelease) ? /^VERSION_CODENAME=["']?([^"'\n]+)/m.exec(readFileSync(osRelease, 'utf8'))?.[1] : undefined;
  return debSrcLines(entries, codename);
}

/** Fetches and unpacks source packages into `<cache>/sources`, through `<cache>/apt`. */
export class SourceCache {
  private updated: Promise<void> | undefined;

  constructor(readonly cacheDir: string, private readonly debSrc: () => string[] = systemDebSrcLines) {}

  /** The unpacked tree if it is cached, else undefined. */
  cached(pkg: string, version: string): string | undefined {
    const dir = this.dirOf(pkg, version);
    const stamp = join(dir, '.semblance-complete');
    if (!existsSync(stamp)) return undefined;
    const tree = join(dir, readFileSync(stamp, 'utf8').trim());
    return existsSync(tree) ? tree : undefined;
  }

  /** The unpacked source tree of `pkg` at exactly `version` (Debian patches applied). */
  async fetch(pkg: string, version: string): Promise<string> {
    const hit = this.cached(pkg, version);
    if (hit) return hit;
    await this.update();
    const parent = join(this.cacheDir, 'sources');
    mkdirSync(parent, { recursive: true });
    const tmp = mkdtempSync(join(parent, `.fetch-${pkg}-`));
    try {
      await this.apt(['source', '--only-source', `${pkg}=${version}`], tmp).catch((e: unknown) => {
        throw new SemblanceError('not-found', `apt-get source ${pkg}=${version} failed: ${lastLine(e)}`);
      });
      const trees = readdirSync(tmp, { withFileTypes: true }).filter((d) => d.isDirectory());
      if (trees.length !== 1) throw new SemblanceError('io', `apt-get source ${pkg}=${version} left ${trees.length} folders, expected one`);
      writeFileSync(join(tmp, '.semblance-complete'), trees[0]!.name + '\n');
      const dir = this.dirOf(pkg, version);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return join(dir, trees[0]!.name);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  private dirOf(pkg: string, version: string): string {
    return join(this.cacheDir, 'sources', `${pkg}_${version.replace(/[^A-Za-z0-9.+~-]/g, '_')}`);
  }

  /** `apt-get update` of the private lists, once per SourceCache. */
  private update(): Promise<void> {
    this.updated ??= (async () => {
      const lines = this.debSrc();
      if (lines.length === 0) {
        throw new SemblanceError('not-found', 'no Debian `deb` entry in /etc/apt/sources.list(.d) to derive a deb-src entry from');
      }
      const apt = join(this.cacheDir, 'apt');
      for (const d of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(apt, d), { recursive: true });
      writeFileSync(join(apt, 'sources.list'), lines.join('\n') + '\n');
      await this.apt(['update'], apt).catch((e: unknown) => {
        throw new SemblanceError('io', `apt-get update (private deb-src lists) failed: ${lastLine(e)}`);
      });
    })();
    return this.updated;
  }

  private async apt(args: string[], cwd: string): Promise<void> {
    const apt = join(this.cacheDir, 'apt');
    const options = [
      `Dir::Etc::SourceList=${join(apt, 'sources.list')}`, 'Dir::Etc::SourceParts=/dev/null',
      `Dir::State::Lists=${join(apt, 'lists')}`, `Dir::Cache=${join(apt, 'cache')}`,
      // As root apt downloads as the `_apt` user, who may not write to a private folder.
      ...(process.getuid?.() === 0 ? ['APT::Sandbox::User=root'] : []),
    ].flatMap((o) => ['-o', o]);
    await run('apt-get', ['-qq', ...options, ...args], { cwd, maxBuffer: 64 << 20, env: { ...process.env, LC_ALL: 'C' } });
  }
}

/**
 * Runs a recipe's `prepare` commands once in its tree; a marker holding their hash makes later
 * calls free. A failure leaves no marker, so the next run tries again.
 */
export async function prepareTree(tree: string, commands: readonly (readonly string[])[], onRun: () => void = () => {}): Promise<void> {
  if (commands.length === 0) return;
  const marker = join(tree, '.semblance-prepared');
  const hash = createHash('sha256').update(JSON.stringify(commands)).digest('hex');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) return;
  onRun();
  for (const [program, ...args] of commands) {
    await run(program!, args, { cwd: tree, maxBuffer: 256 << 20, env: { ...process.env, LC_ALL: 'C', SOURCE_DATE_EPOCH: '0' } }).catch((e: unknown) => {
      throw new SemblanceError('io', `preparing ${tree}: ${[program, ...args].join(' ')} failed: ${lastLine(e)}`);
    });
  }
  writeFileSync(marker, hash + '\n');
}

function lastLine(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  const text = (err.stderr || err.message || String(e)).trim().split('\n').filter((l) => l.trim() && !/^W: /.test(l));
  return text[text.length - 1] ?? 'unknown error';
}
