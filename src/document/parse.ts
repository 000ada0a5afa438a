// Reading untrusted project files: JSON syntax, then migration, then the schema. Every error
// names the place: line and column for syntax, a JSON path for structure.
import type { z } from 'zod';
import { NetloomError } from '../util/errors.ts';
import { clip, echo } from '../util/text.ts';
import { jsonErrorOffset } from './json-error-offset.ts';
import { jsonNestingTooDeep } from '../util/json-nesting.ts';
import { migrate } from './migrate.ts';
import type { NetloomDocument } from './schema.ts';
import { documentSchema } from './schema.ts';

function lineCol(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? '(top level)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${echo(String(p), 40)}`))
        .join('')
        .replace(/^\./, '');
}

/** Deeper than any project needs (node params nest a few levels), shallow enough for recursion. */
export const maxJsonDepth = 64;

/**
 * Walks a parsed value without recursion: refuses nesting deeper than maxJsonDepth and the key
 * "__proto__" (parsed into a plain object it would set the object's prototype rather than a
 * field — a file that reads one way and saves another).
 */
function checkJsonTree(value: unknown, file: string): void {
  type Item = { v: unknown; depth: number; parent: Item | undefined; key: string | number | undefined };
  const pathOf = (item: Item): string => {
    const keys: (string | number)[] = [];
    for (let at: Item | undefined = item; at?.key !== undefined; at = at.parent) keys.unshift(at.key);
    return jsonPath(keys);
  };
  const stack: Item[] = [{ v: value, depth: 0, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.v !== 'object' || item.v === null) continue;
    if (item.depth >= maxJsonDepth) {
      throw new NetloomError(
        'invalid-file',
        `${file}: ${pathOf(item)}: nested deeper than ${maxJsonDepth} levels`,
        { path: file },
      );
    }
    if (Array.isArray(item.v)) {
      item.v.forEach((v, i) => stack.push({ v, depth: item.depth + 1, parent: item, key: i }));
      continue;
    }
    for (const [k, v] of Object.entries(item.v)) {
      if (k === '__proto__') {
        throw new NetloomError(
          'invalid-file',
          `${file}: ${pathOf(item)}: the key "__proto__" is not allowed`,
          { path: file },
        );
      }
      stack.push({ v, depth: item.depth + 1, parent: item, key: k });
    }
  }
}

function describeIssue(issue: z.core.$ZodIssue, doc: unknown): string {
  // Name the node/edge by id when the path goes through one, so the user can find it.
  const [list, index] = issue.path;
  let where = jsonPath(issue.path);
  if ((list === 'nodes' || list === 'edges') && typeof index === 'number' && typeof doc === 'object' && doc) {
    const item = (doc as Record<string, unknown[]>)[list]?.[index];
    const itemId =
      typeof item === 'object' && item && 'id' in item ? (item as { id: unknown }).id : undefined;
    if (typeof itemId === 'string') where += ` (${list === 'nodes' ? 'node' : 'edge'} "${echo(itemId)}")`;
  }
  return `${where}: ${clip(issue.message, 200)}`;
}

/** Validates an already-parsed JSON value as a project document. */
export function parseDocumentValue(value: unknown, file = '<document>'): NetloomDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NetloomError('invalid-file', `${file}: a project file is a JSON object`, { path: file });
  }
  checkJsonTree(value, file);
  const obj = value as Record<string, unknown>;
  if (obj['format'] !== undefined && obj['format'] !== 'netloom') {
    throw new NetloomError(
      'invalid-file',
      `${file}: not a Netloom project ("format" is ${echo(obj['format'])})`,
      {
        path: `${file}#/format`,
      },
    );
  }
  const migrated = migrate(obj, file);
  const result = documentSchema.safeParse(migrated);
  if (!result.success) {
    const lines = result.error.issues.slice(0, 5).map((i) => describeIssue(i, migrated));
    const more = result.error.issues.length > 5 ? `\n(and ${result.error.issues.length - 5} more)` : '';
    const first = result.error.issues[0];
    throw new NetloomError('invalid-file', `${file}: ${lines.join('\n')}${more}`, {
      path: `${file}#/${(first?.path ?? []).join('/')}`,
    });
  }
  return result.data;
}

/** Parses project-file text. Throws NetloomError naming the place of the first problem. */
export function parseDocument(text: string, file = '<document>'): NetloomDocument {
  const deep = jsonNestingTooDeep(text, maxJsonDepth);
  if (deep >= 0) {
    throw new NetloomError(
      'invalid-file',
      `${file}: nested deeper than ${maxJsonDepth} levels at ${lineCol(text, deep)}`,
      { path: file },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const offset = jsonErrorOffset(text);
    const where = offset >= 0 ? ` at ${lineCol(text, offset)}` : '';
    const found =
      offset >= 0 && offset < text.length
        ? `: unexpected ${JSON.stringify(text[offset])}`
        : ': the text ends too early';
    throw new NetloomError('invalid-file', `${file}: not valid JSON${where}${found}`, { path: file });
  }
  return parseDocumentValue(value, file);
}

export function serializeDocument(doc: NetloomDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
