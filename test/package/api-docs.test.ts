// The API reference (TypeDoc, typedoc.json), part of the package suite: generated without a warning
// (every class, function and method documented, no broken links), and every
// public method and function of the package carries an @example.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

interface Reflection {
  name: string;
  kind: number;
  inheritedFrom?: unknown;
  flags?: { isExternal?: boolean };
  signatures?: Array<{ comment?: { blockTags?: Array<{ tag: string }> } }>;
  children?: Reflection[];
}

const METHOD = 2048;
const FUNCTION = 64;
const CLASS = 128;
const MODULE = 2;

it('documents every public method, each with an example', () => {
  const root = resolve(__dirname, '../..');
  const dir = mkdtempSync(join(tmpdir(), 'ipvs-api-'));
  try {
    const json = join(dir, 'api.json');
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--json', json, '--out', join(dir, 'html')], { cwd: root, encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const missing: string[] = [];
    let methods = 0;
    const walk = (r: Reflection, path: string) => {
      for (const c of r.children ?? []) {
        if (c.inheritedFrom || c.flags?.isExternal) continue;
        const name = path ? `${path}.${c.name}` : c.name;
        if (c.kind === METHOD || c.kind === FUNCTION) {
          for (const s of c.signatures ?? []) {
            methods++;
            if (!s.comment?.blockTags?.some((t) => t.tag === '@example')) missing.push(name);
          }
        }
        if (c.kind === CLASS || c.kind === MODULE) walk(c, name);
      }
    };
    walk(JSON.parse(readFileSync(json, 'utf8')) as Reflection, '');
    expect(methods).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
