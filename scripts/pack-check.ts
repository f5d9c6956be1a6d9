/**
 * Checks the package as npm users get it: `npm pack`, then
 * - the tarball holds package.json, README.md, LICENSE, CHANGELOG.md, every file package.json's
 *   `exports` and `bin` point at, and the test-job Java sources; no tests, sources or caches;
 * - installed into a fresh project (with the optional peer dependencies), every `exports` entry
 *   imports on this Node.js and type-checks with TypeScript;
 * - on a Node.js older than 22.19 found on PATH (e.g. the system Node 20), importing it fails with
 *   flink-kit's one-line message instead of undici's crash;
 * - no declaration marked `@internal` in src/ is in a .d.ts file of dist/ (stripInternal), and the
 *   declarations type-check without skipLibCheck, so that stripping left no dangling name.
 *
 *   node scripts/pack-check.ts        (after `npm run build`; scripts/test.sh runs it)
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, string>>;
  bin?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const problems: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'flink-kit-pack-'));

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

try {
  // 1. What the tarball holds.
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root)) as Array<{
    filename: string;
    size: number;
    files: Array<{ path: string }>;
  }>;
  if (!packed) throw new Error('npm pack printed nothing');
  const files = new Set(packed.files.map((f) => f.path));
  const javaSources = readdirSync(join(root, 'test-jobs'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.java'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
  const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
  const required = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', ...targets, ...Object.values(pkg.bin ?? {}), ...javaSources];
  for (const file of required.map((f) => f.replace(/^\.\//, ''))) {
    if (!files.has(file)) problems.push(`${file} is not in the package (package.json "files", or the build did not produce it)`);
  }
  for (const file of files) {
    if (/^(test|bench|examples|scripts|node_modules|\.cache|coverage|docs)\/|\.test\.|\.tsbuildinfo$|(^|\/)\.env/.test(file))
      problems.push(`${file} should not be in the package`);
  }
  console.log(`${packed.filename}: ${files.size} files, ${(packed.size / 1024).toFixed(0)} KiB packed`);

  // 2. Installed as users install it: every entry imports and type-checks.
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check-app', private: true, type: 'module' }));
  const peers = Object.entries(pkg.peerDependencies ?? {}).map(([name, range]) => `${name}@${range}`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(work, packed.filename), ...peers], app);
  const entries = Object.keys(pkg.exports)
    .filter((e) => e !== './package.json')
    .map((e) => (e === '.' ? pkg.name : `${pkg.name}/${e.slice(2)}`));
  for (const entry of entries) {
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import('${entry}'); console.log(Object.keys(m).length);`],
      {
        cwd: app,
        encoding: 'utf8',
      },
    );
    const count = Number(result.stdout.trim());
    if (result.status !== 0 || !(count > 0))
      problems.push(`import '${entry}' failed: ${result.stderr.trim().split('\n').slice(0, 6).join(' | ')}`);
    else console.log(`import '${entry}': ${count} exports`);
  }
  writeFileSync(join(app, 'check.ts'), entries.map((e, i) => `import * as entry${i} from '${e}';\nvoid entry${i};\n`).join(''));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2023',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        typeRoots: [join(root, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['check.ts'],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { encoding: 'utf8' });
  if (tsc.status !== 0) problems.push(`the entries' types do not resolve:\n${tsc.stdout}${tsc.stderr}`);
  else console.log(`types of ${entries.join(', ')} resolve`);

  // 3. Nothing marked @internal is published, and what is published still type-checks.
  const leaks = internalLeaks(join(root, 'src'), join(root, 'dist'));
  if (leaks.length) problems.push(`@internal declarations are in the published types (stripInternal?):\n  ${leaks.join('\n  ')}`);
  else console.log('no @internal declaration in dist/**/*.d.ts');
  writeFileSync(
    join(app, 'tsconfig.strict.json'),
    JSON.stringify({ extends: './tsconfig.json', compilerOptions: { skipLibCheck: false } }),
  );
  const strict = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app, 'tsconfig.strict.json')],
    {
      encoding: 'utf8',
    },
  );
  const ours = `${strict.stdout}${strict.stderr}`.split('\n').filter((line) => line.includes(`node_modules/${pkg.name}/`));
  if (ours.length) problems.push(`the published declarations do not type-check:\n  ${ours.join('\n  ')}`);
  else console.log('the published declarations type-check without skipLibCheck');

  // 4. An old Node.js gets one clear line.
  const nodes = (spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean);
  const old = nodes.find((n) => {
    const v = spawnSync(n, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    const [major = 0, minor = 0] = v.split('.').map(Number);
    return major > 0 && (major < 22 || (major === 22 && minor < 19));
  });
  if (old) {
    const version = spawnSync(old, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const result = spawnSync(old, ['--input-type=module', '-e', `import '${pkg.name}';`], { cwd: app, encoding: 'utf8' });
    if (
      result.status === 0 ||
      !result.stderr.includes('flink-kit needs Node.js 22.19 or newer') ||
      result.stderr.includes("reading 'bind'")
    )
      problems.push(`on ${old} (${version}) the import should fail with flink-kit's Node.js message, got:\n${result.stderr}`);
    else console.log(`on Node.js ${version} (${old}) the import fails with: ${result.stderr.match(/flink-kit needs[^\]\n]*/)?.[0]}`);
  } else {
    console.log('no Node.js older than 22.19 on PATH: the old-Node message was not tried (the unit tests cover its text)');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (problems.length) {
  console.error(`package check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('package check passed');

/**
 * `file: Name` (or `Name.member`) of every declaration marked `@internal` in `src` that is still
 * declared in the matching .d.ts file of dist/, and every `@internal` left in a declaration file.
 */
function internalLeaks(src: string, dist: string): string[] {
  const leaks: string[] = [];
  const dtsFiles = readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
  for (const file of dtsFiles) {
    if (readFileSync(file, 'utf8').includes('@internal')) leaks.push(`${relative(dist, file)}: an @internal comment`);
  }
  for (const file of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!file.isFile() || !file.name.endsWith('.ts')) continue;
    const path = join(file.parentPath, file.name);
    const marked = declaredNames(path, true);
    if (marked.size === 0) continue;
    const dts = join(dist, relative(src, path)).replace(/\.ts$/, '.d.ts');
    const published = declaredNames(dts, false);
    for (const name of marked) if (published.has(name)) leaks.push(`${relative(dist, dts)}: ${name}`);
  }
  return leaks;
}

/** Names of the declarations in a file (top level and class or interface members), only the `@internal` ones if asked. */
function declaredNames(file: string, internalOnly: boolean): Set<string> {
  const names = new Set<string>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return names;
  }
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const isInternal = (node: ts.Node) => ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
  const nameOf = (node: ts.Node): string | undefined => {
    if (ts.isConstructorDeclaration(node)) return 'constructor';
    const name = (node as ts.NamedDeclaration).name;
    return name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) ? name.text : undefined;
  };
  const visit = (node: ts.Node, owner: string | undefined) => {
    const name = nameOf(node);
    const qualified = name && (owner ? `${owner}.${name}` : name);
    if (qualified && (!internalOnly || isInternal(node))) names.add(qualified);
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && (!internalOnly || isInternal(node))) names.add(d.name.text);
      }
    }
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && name) {
      for (const member of node.members) visit(member, name);
    }
  };
  for (const statement of source.statements) visit(statement, undefined);
  return names;
}
