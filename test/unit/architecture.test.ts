import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of design.md, bottom up: a module may import from its own layer and the ones below.
 * Keys are paths below src/ (a folder or a file); the longest matching key wins.
 */
const LAYERS: Record<string, number> = {
  // errors/ is the bottom: every layer throws its errors, and they import nothing of flink-kit's.
  'errors/': 0,
  'options.ts': 0,
  // Small helpers (ids, sleep, redaction), which throw errors/ classes.
  'internal/': 1,
  'schemas/': 2,
  'compat/': 2,
  'transport/': 2,
  'core/': 3,
  'resources/': 4,
  'workflows/': 5,
  'client.ts': 6,
  'index.ts': 6,
  'local/': 7,
  'kube/': 7,
  'cli/': 8,
};

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative imports of a file (static, type-only, re-exports and dynamic), as src-relative paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] as string);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) =>
      relative(SRC, resolve(dirname(file), s.replace(/\.js$/, '.ts')))
        .split('\\')
        .join('/'),
    );
}

/**
 * What loading a file loads at once: relative modules and packages named by its runtime imports and
 * re-exports (not `import type`, not `import()`). `import { type A }` counts: it is kept as `import {}`.
 */
function runtimeImportsOf(file: string): { modules: string[]; packages: string[] } {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)(?!\s+type\b)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
  ].map((m) => m[1] as string);
  return {
    modules: specifiers
      .filter((s) => s.startsWith('.'))
      .map((s) =>
        relative(SRC, resolve(dirname(join(SRC, file)), s.replace(/\.js$/, '.ts')))
          .split('\\')
          .join('/'),
      ),
    packages: specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:')),
  };
}

/** Every package that loading `entry` loads, with the module that imports it. */
function packagesLoadedBy(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const { modules, packages } = runtimeImportsOf(file);
    for (const p of packages) found.push(`${p} (from ${file})`);
    for (const m of modules) visit(m);
  };
  visit(entry);
  return found;
}

function layerOf(path: string): number | undefined {
  const key = Object.keys(LAYERS)
    .filter((k) => (k.endsWith('/') ? path.startsWith(k) : path === k))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? undefined : LAYERS[key];
}

const graph = new Map(sourceFiles(SRC).map((f) => [relative(SRC, f).split('\\').join('/'), importsOf(f)]));

/** Every import cycle, each as the path that closes it (a -> b -> a). */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'visiting') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('architecture of src/', () => {
  it('finds the modules and their imports', () => {
    expect(graph.get('client.ts')).toContain('transport/http.ts');
  });

  it('has no import cycle (type-only and dynamic imports count too)', () => {
    expect(cycles().map((c) => c.join(' -> '))).toEqual([]);
  });

  it('imports only down the layers: cli -> local/kube -> client -> workflows -> resources -> core -> transport/schemas -> internal -> errors', () => {
    const upward: string[] = [];
    for (const [from, imports] of graph) {
      const own = layerOf(from);
      for (const to of imports) {
        const theirs = layerOf(to);
        if (own !== undefined && theirs !== undefined && theirs > own) upward.push(`${from} -> ${to}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("loads neither zod, undici nor form-data with `import 'flink-kit'` (they load with the first call that needs them)", () => {
    const heavy = packagesLoadedBy('index.ts').filter((p) => /^(zod|undici|form-data)\b/.test(p));
    expect(heavy).toEqual([]);
    // The check sees packages at all: the schemas entry point does load zod.
    expect(packagesLoadedBy('schemas/index.ts').some((p) => p.startsWith('zod'))).toBe(true);
  });

  it('keeps errors/ below internal/: errors import nothing of internal/ (internal may throw errors)', () => {
    const wrongWay = [...graph].flatMap(([from, imports]) =>
      from.startsWith('errors/') ? imports.filter((to) => !to.startsWith('errors/')).map((to) => `${from} -> ${to}`) : [],
    );
    expect(wrongWay).toEqual([]);
    // The check sees imports at all: internal/ does use errors/.
    expect(graph.get('internal/ids.ts')).toContain('errors/flink-error.ts');
  });

  it('keeps resources/ for resources: every module there defines a resource class', () => {
    const others = [...graph.keys()]
      .filter((f) => f.startsWith('resources/'))
      .filter((f) => !/export (?:abstract )?class \w*Resource\b/.test(readFileSync(join(SRC, f), 'utf8')));
    expect(others).toEqual([]);
  });

  it('never lets a resource construct or import a sibling (what spans resources is a workflow)', () => {
    const siblings = [...graph].flatMap(([from, imports]) =>
      from.startsWith('resources/')
        ? imports.filter((to) => to.startsWith('resources/') && to !== 'resources/resource.ts').map((to) => `${from} -> ${to}`)
        : [],
    );
    expect(siblings).toEqual([]);
  });

  it('the CLI imports the SDK only through its public entry points (flink-kit, flink-kit/kube, flink-kit/local), type-only imports too', () => {
    const PUBLIC = ['index.ts', 'kube/index.ts', 'local/index.ts'];
    const deep: string[] = [];
    for (const [from, imports] of graph) {
      if (!from.startsWith('cli/')) continue;
      for (const to of imports) if (!to.startsWith('cli/') && !PUBLIC.includes(to)) deep.push(`${from} -> ${to}`);
    }
    expect(deep).toEqual([]);
    // The check sees the CLI's imports of the SDK at all.
    expect(graph.get('cli/connect.ts')).toContain('index.ts');
  });

  it('places every module in a layer', () => {
    expect([...graph.keys()].filter((f) => layerOf(f) === undefined)).toEqual([]);
  });

  it("names relative imports with '.js' (tsc does not rewrite '.ts', so the built package would not load)", () => {
    const named = sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)]
        .map((m) => m[1] as string)
        .filter((s) => !s.endsWith('.js'))
        .map((s) => `${relative(SRC, file)}: ${s}`),
    );
    expect(named).toEqual([]);
  });
});
