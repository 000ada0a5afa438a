// Finds, and where it can installs, the outside references the tests judge Netloom against: a Python
// with onnx/numpy/torch/torchvision and a Chromium for playwright-core. Plain Node with no
// dependencies, so .ci/run can call it before `npm ci`; the tests (test/helpers/references.ts),
// the benchmarks (bench/stats.ts) and `npm run fixtures` all ask it, so no path is written twice.
//
//   node scripts/references.mjs install   npm test's pretest and .ci/run: bring what is missing, report
//   node scripts/references.mjs check     report only
//   node scripts/references.mjs python [--with torch,numpy] file.py args…   run the reference Python
//
// Where to look, in order (the first that has everything the caller needs wins):
//   Python:   NETLOOM_PYTHON alone when set (never a fallback behind it); else every python3/python on
//             PATH, in PATH order. No absolute paths are guessed: a Python is found on PATH or named.
//   Chromium: NETLOOM_CHROMIUM alone when set; else Playwright's own download (matched to
//             playwright-core); else chromium/google-chrome/… on PATH; else the application folders of
//             macOS and Windows listed in scripts/references.json.
// NETLOOM_REQUIRE_REFERENCES=1 makes a missing reference an error; NETLOOM_INSTALL_REFERENCES=0 stops
// `install` from running apt-get or `playwright-core install`.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const referenceList = JSON.parse(readFileSync(new URL('./references.json', import.meta.url), 'utf8'));

const pythonModules = Object.keys(referenceList.pythonModules);

// Imports each module for real (a module that is there but cannot load is as good as missing).
const probeScript = [
  'import importlib, json, sys',
  'out = {"version": sys.version.split()[0], "modules": {}, "errors": {}}',
  'for name in sys.argv[1:]:',
  '    try:',
  '        out["modules"][name] = str(getattr(importlib.import_module(name), "__version__", "?"))',
  '    except Exception as e:',
  '        out["modules"][name] = None',
  '        out["errors"][name] = type(e).__name__ + ": " + str(e).splitlines()[0]',
  'print(json.dumps(out))',
].join('\n');

/** True when NETLOOM_REQUIRE_REFERENCES=1: every reference must be found (CI). */
export function referencesRequired(env = process.env) {
  return env.NETLOOM_REQUIRE_REFERENCES === '1';
}

function envPath(env) {
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH');
  return key ? (env[key] ?? '') : '';
}

function isExecutableFile(p) {
  try {
    if (!statSync(p).isFile()) return false;
    if (process.platform !== 'win32') accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Executables with these names on env's PATH, in PATH order, each file once. On Windows only `.exe`:
 * Node will not spawn a `.cmd` or `.bat` shim (pyenv-win's) without a shell.
 */
export function onPath(names, env = process.env) {
  const exts = process.platform === 'win32' ? ['.exe'] : [''];
  const found = [];
  const seen = new Set();
  for (const dir of envPath(env).split(delimiter).filter(Boolean)) {
    for (const name of names) {
      for (const ext of exts) {
        const p = join(dir, name + ext);
        if (!isExecutableFile(p)) continue;
        const real = realpathSync(p);
        if (seen.has(real)) continue;
        seen.add(real);
        found.push(p);
      }
    }
  }
  return found;
}

function probePython(path, env) {
  const r = spawnSync(path, ['-c', probeScript, ...pythonModules], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
    windowsHide: true,
    maxBuffer: 16 << 20,
  });
  const lastLine = (s) => (s ?? '').trim().split('\n').at(-1) ?? '';
  if (r.error || r.status !== 0) {
    const problem = r.error ? r.error.message : lastLine(r.stderr) || `exit ${r.status}`;
    return { path, runs: false, problem, modules: {}, errors: {} };
  }
  try {
    const out = JSON.parse(lastLine(r.stdout));
    return { path, runs: true, version: out.version, modules: out.modules, errors: out.errors };
  } catch {
    const problem = `not a Python 3 (printed ${JSON.stringify(lastLine(r.stdout))})`;
    return { path, runs: false, problem, modules: {}, errors: {} };
  }
}

/** Every Python candidate, probed: NETLOOM_PYTHON alone when set, else python3/python on PATH. */
export function findPythons(env = process.env) {
  if (env.NETLOOM_PYTHON)
    return { from: 'NETLOOM_PYTHON', candidates: [probePython(env.NETLOOM_PYTHON, env)] };
  return { from: 'PATH', candidates: onPath(referenceList.pythonNames, env).map((p) => probePython(p, env)) };
}

function expandFolder(p, env) {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const withHome = p.startsWith('~/') ? join(home, p.slice(2)) : p;
  let unset = false;
  const expanded = withHome.replace(/%([^%]+)%/g, (_, name) => {
    const v = env[name];
    if (!v) unset = true;
    return v ?? '';
  });
  return unset ? undefined : expanded;
}

function playwrightChromium() {
  try {
    const { chromium } = createRequire(import.meta.url)('playwright-core');
    const p = chromium.executablePath();
    return p && isExecutableFile(p) ? p : undefined;
  } catch {
    return undefined; // playwright-core not installed yet (.ci/run before npm ci)
  }
}

/** The Chromium playwright-core should launch: { path, from } or { path: null, problem }. */
export function findChromium(env = process.env) {
  const named = env.NETLOOM_CHROMIUM;
  if (named) {
    return isExecutableFile(named)
      ? { path: named, from: 'NETLOOM_CHROMIUM' }
      : { path: null, problem: `NETLOOM_CHROMIUM=${named} is not an executable file` };
  }
  const own = playwrightChromium();
  if (own) return { path: own, from: "Playwright's download" };
  const listed = referenceList.chromium;
  const hit = onPath(listed.names, env)[0];
  if (hit) return { path: hit, from: 'PATH' };
  const folders = (listed[process.platform] ?? []).map((p) => expandFolder(p, env)).filter(Boolean);
  const app = folders.find(isExecutableFile);
  if (app) return { path: app, from: 'application folder' };
  const where = [`${listed.names.join(', ')} on PATH`, "Playwright's download", ...folders];
  return { path: null, problem: `no Chromium (looked for ${where.join('; ')})` };
}

/** What this machine has: JSON-serialisable, so vitest's global set-up can hand it to the tests. */
export function findReferences(env = process.env) {
  return { python: findPythons(env), chromium: findChromium(env) };
}

const hasAll = (c, modules) => c.runs && modules.every((m) => c.modules[m] != null);

/**
 * The Python for a check that imports `modules`: the first candidate with every reference module (so
 * one Python judges the whole run where one can), else the first with at least these.
 */
export function pythonWith(found, modules) {
  const { candidates } = found.python;
  const complete = candidates.find((c) => hasAll(c, pythonModules) && hasAll(c, modules));
  return (complete ?? candidates.find((c) => hasAll(c, modules)))?.path;
}

function installHint(modules) {
  const deb = modules.map((m) => referenceList.pythonModules[m]?.debian ?? m).join(' ');
  const pip = modules.map((m) => referenceList.pythonModules[m]?.pip ?? m).join(' ');
  return `set NETLOOM_PYTHON to a Python that has it, or pip install ${pip}, or on Debian/Ubuntu apt-get install ${deb} (npm test does this when run as root)`;
}

/** Why no Python with `modules` was found, and what to do: one line for the summary. */
export function pythonMissingReason(found, modules) {
  const want = modules.join(', ');
  const seen = found.python.candidates.map((c) => {
    if (!c.runs) return `${c.path} does not run (${c.problem})`;
    const lacks = modules.filter((m) => c.modules[m] == null);
    return `${c.path} has no ${lacks.map((m) => `${m} (${c.errors[m] ?? 'not found'})`).join(', ')}`;
  });
  const where =
    found.python.from === 'NETLOOM_PYTHON'
      ? `NETLOOM_PYTHON=${seen.join('; ')}`
      : seen.length > 0
        ? `on PATH: ${seen.join('; ')}`
        : 'no python3 or python on PATH';
  return `no python3 with ${want} (${where}) — ${installHint(modules)}`;
}

export function chromiumMissingReason(found) {
  return `${found.chromium.problem} — set NETLOOM_CHROMIUM to a Chrome or Chromium, or run npx playwright-core install chromium, or on Debian apt-get install ${referenceList.chromium.debian} (npm test does this when run as root)`;
}

/** Every reference this machine lacks, named, with the reason and the remedy. */
export function missingReferences(found) {
  const lacking = pythonModules.filter((m) => !pythonWith(found, [m]));
  const missing =
    lacking.length > 0
      ? [{ name: `python3 with ${lacking.join(', ')}`, reason: pythonMissingReason(found, lacking) }]
      : [];
  if (!found.chromium.path) missing.push({ name: 'Chromium', reason: chromiumMissingReason(found) });
  return missing;
}

/** One line per reference found: where, and which versions. */
export function describeFound(found) {
  const lines = [];
  const used = new Map();
  for (const m of pythonModules) {
    const p = pythonWith(found, [m]);
    if (p) used.set(p, [...(used.get(p) ?? []), m]);
  }
  for (const [p, mods] of used) {
    const c = found.python.candidates.find((x) => x.path === p);
    const versions = mods.map((m) => `${m} ${c.modules[m]}`).join(', ');
    lines.push(`python ${p} (Python ${c.version}, from ${found.python.from}): ${versions}`);
  }
  if (found.chromium.path) lines.push(`Chromium ${found.chromium.path} (from ${found.chromium.from})`);
  return lines;
}

/** One line per reference: what was found where, or why it is missing and what to do. */
export function describeReferences(found) {
  return [...describeFound(found), ...missingReferences(found).map((m) => `missing: ${m.reason}`)];
}

function run(cmd, args, env) {
  console.log(`references: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env, windowsHide: true });
  return !r.error && r.status === 0;
}

function debianInstalled(pkg, env) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', env });
  return r.status === 0 && r.stdout.trim() === 'install ok installed';
}

// The one apt-get line, for the one list: only on Debian/Ubuntu, only as root, only what is missing.
function aptInstall(env) {
  if (process.platform !== 'linux' || onPath(['apt-get'], env).length === 0) return;
  if (onPath(['dpkg-query'], env).length === 0) return;
  const need = referenceList.debianPackages.filter((p) => !debianInstalled(p, env));
  if (need.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.log(`references: not root, so not installing: sudo apt-get install ${need.join(' ')}`);
    return;
  }
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (pkgs) =>
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], aptEnv);
  run('apt-get', ['update', '-q'], aptEnv);
  // One unknown name (Ubuntu has no `chromium` deb) must not keep the others out.
  if (!install(need) && need.length > 1) for (const p of need) install([p]);
}

function playwrightInstall(env) {
  let packageJson;
  try {
    packageJson = createRequire(import.meta.url).resolve('playwright-core/package.json');
  } catch {
    return; // playwright-core is not installed yet
  }
  // npx playwright-core install chromium, without npx (whose PATH look-up may find another copy).
  run(process.execPath, [join(dirname(packageJson), 'cli.js'), 'install', 'chromium'], env);
}

/** Brings what it can: the Debian packages as root, else Playwright's Chromium when none is found. */
export function installReferences(env = process.env) {
  if (env.NETLOOM_INSTALL_REFERENCES === '0') {
    console.log('references: NETLOOM_INSTALL_REFERENCES=0, installing nothing');
    return;
  }
  aptInstall(env);
  if (!findChromium(env).path) playwrightInstall(env);
}

function report(env) {
  const found = findReferences(env);
  for (const line of describeReferences(found)) console.log(`references: ${line}`);
  const missing = missingReferences(found);
  if (missing.length > 0 && referencesRequired(env)) {
    console.error(
      `references: NETLOOM_REQUIRE_REFERENCES=1 and missing: ${missing.map((m) => m.name).join(', ')}`,
    );
    return 1;
  }
  if (missing.length > 0) console.log('references: the checks that need these will be reported as not run');
  return 0;
}

function runPython(args, env) {
  let modules = pythonModules;
  if (args[0] === '--with') {
    modules = (args[1] ?? '').split(',').filter(Boolean);
    args = args.slice(2);
  }
  const found = { python: findPythons(env) };
  const python = pythonWith(found, modules);
  if (!python) {
    console.error(`references: ${pythonMissingReason(found, modules)}`);
    return 1;
  }
  const r = spawnSync(python, args, { stdio: 'inherit', env });
  return r.status ?? 1;
}

function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'install') {
    installReferences(process.env);
    return report(process.env);
  }
  if (command === 'check') return report(process.env);
  if (command === 'python') return runPython(rest, process.env);
  console.error('usage: node scripts/references.mjs install | check | python [--with m1,m2] file.py args…');
  return 2;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
