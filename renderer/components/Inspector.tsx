// The selected layer's parameters as a form generated from its zod schema (through JSON Schema):
// numbers with their ranges, enums as selects, tuples as rows of boxes, booleans as checkboxes.
// While a box has the focus, what is typed is applied as soon as the layer's parameters accept it
// (a half-typed "1e" or an empty box waits for Enter or leaving the box), and all of it is one
// undo step; what is left in the box when the focus goes is applied, valid or not, so the
// lowering's message shows beside the field.
import { z } from 'zod';
import { useRef, useState, memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DocNode, NetloomDocument } from '../../src/document/schema.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { renameNode, setParam } from '../../src/document/edits.ts';
import { useEditor } from '../store/document-store.ts';
import { useLowering } from '../store/lowering-store.ts';
import { shapeText } from '../lib/flow-model.ts';
import { problemSentence } from '../lib/problem-text.ts';
import type { Diagnostic } from '../../src/util/errors.ts';

const errorOf = (d: Diagnostic | undefined) => (d ? problemSentence(d) : undefined);

// One formatter for the counts: toLocaleString makes one at each call, most of the inspector's
// own time in an edit.
const exact = new Intl.NumberFormat('en-US');

interface FieldSchema {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
  prefixItems?: FieldSchema[];
  items?: FieldSchema | false;
}

const schemaCache = new Map<string, Record<string, FieldSchema>>();

function fieldsOf(kind: string): Record<string, FieldSchema> {
  let f = schemaCache.get(kind);
  if (!f) {
    const def = layerDef(kind);
    const js = def
      ? (z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' }) as {
          properties?: Record<string, FieldSchema>;
        })
      : {};
    f = js.properties ?? {};
    schemaCache.set(kind, f);
  }
  return f;
}

/** Keeps what the user typed: a number when it parses, else the raw text (so the error shows). */
function numberOrText(s: string): number | string {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : s;
}

function listValue(s: string): unknown {
  const parts = s.split(/[,\s×x]+/).filter(Boolean);
  const nums = parts.map(Number);
  return nums.every(Number.isFinite) ? nums : s;
}

let focusCount = 0;

/** A text box whose edits, while it keeps the focus, make one undo step. */
function TextBox(props: {
  shown: string;
  parse: (text: string) => unknown;
  /** Whether a value may be applied while typing; leaving the box applies it anyway. */
  acceptable: (value: unknown) => boolean;
  apply: (key: string, value: unknown) => void;
  field: string;
  title?: string | undefined;
  inputMode?: 'numeric' | 'decimal' | 'text';
}) {
  const [text, setText] = useState<string>();
  const key = useRef('');
  const applied = useRef<string | undefined>(undefined);
  const commit = () => {
    if (text !== undefined && text !== applied.current && text !== props.shown) {
      applied.current = text;
      props.apply(key.current, props.parse(text));
    }
  };
  return (
    <input
      type="text"
      inputMode={props.inputMode}
      value={text ?? props.shown}
      title={props.title}
      data-field={props.field}
      onFocus={() => {
        key.current = `${props.field}#${++focusCount}`;
        applied.current = undefined;
        setText(props.shown);
      }}
      onBlur={() => {
        commit();
        setText(undefined);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
      }}
      onChange={(e) => {
        const t = e.target.value;
        setText(t);
        const v = props.parse(t);
        if (props.acceptable(v)) {
          applied.current = t;
          props.apply(key.current, v);
        }
      }}
    />
  );
}

function Field(props: { node: DocNode; name: string; schema: FieldSchema; error: string | undefined }) {
  const { node, name, schema } = props;
  const value = node.params[name] ?? schema.default;
  const edit = (v: unknown) => useEditor.getState().edit((d) => setParam(d, node.id, name, v));
  const apply = (key: string, v: unknown) =>
    useEditor.getState().editJoined(`${node.id}.${key}`, (d) => setParam(d, node.id, name, v));
  const acceptable = (v: unknown) =>
    layerDef(node.kind)?.params.safeParse({ ...node.params, [name]: v }).success ?? false;
  const label = schema.description ?? name;
  let control;
  if (schema.enum) {
    control = (
      <select value={String(value)} onChange={(e) => edit(e.target.value)} data-field={name}>
        {schema.enum.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  } else if (schema.type === 'boolean') {
    control = (
      <input
        type="checkbox"
        checked={value === true}
        onChange={(e) => edit(e.target.checked)}
        data-field={name}
      />
    );
  } else if (schema.type === 'array' && schema.prefixItems) {
    const arr = Array.isArray(value) ? (value as unknown[]) : [];
    control = (
      <span className="tuple">
        {schema.prefixItems.map((_, i) => (
          <TextBox
            key={i}
            inputMode="numeric"
            shown={String(arr[i] ?? '')}
            field={`${name}.${i}`}
            parse={(t) => {
              const next = [...arr];
              next[i] = numberOrText(t);
              return next;
            }}
            acceptable={acceptable}
            apply={apply}
          />
        ))}
      </span>
    );
  } else if (schema.type === 'array') {
    control = (
      <TextBox
        shown={Array.isArray(value) ? value.join(', ') : String(value ?? '')}
        field={name}
        parse={listValue}
        acceptable={acceptable}
        apply={apply}
      />
    );
  } else {
    const range =
      schema.minimum !== undefined || schema.maximum !== undefined
        ? `${schema.minimum ?? schema.exclusiveMinimum ?? ''}…${schema.maximum !== undefined && schema.maximum < 1e15 ? schema.maximum : (schema.exclusiveMaximum ?? '')}`
        : undefined;
    control = (
      <TextBox
        inputMode="decimal"
        shown={String(value ?? '')}
        title={range ? `range ${range}` : undefined}
        field={name}
        parse={(t) => (schema.type === 'string' ? t : numberOrText(t))}
        acceptable={acceptable}
        apply={apply}
      />
    );
  }
  return (
    <label className={`field${props.error ? ' invalid' : ''}`}>
      <span className="field-label">{label}</span>
      {control}
      {props.error && (
        <span className="field-error" data-testid={`error-${name}`}>
          {props.error}
        </span>
      )}
    </label>
  );
}

const noDiagnostics: readonly Diagnostic[] = [];

/** Where the selected node was last found in the document's list: an edit keeps the order. */
let lastAt = 0;

/** The document node of `id`, found in O(1) while the nodes keep their order. */
function nodeOf(doc: NetloomDocument, id: string | undefined): DocNode | undefined {
  if (id === undefined) return undefined;
  if (doc.nodes[lastAt]?.id === id) return doc.nodes[lastAt];
  lastAt = doc.nodes.findIndex((n) => n.id === id);
  return lastAt < 0 ? ((lastAt = 0), undefined) : doc.nodes[lastAt];
}

// Memoised, and it reads only the selected node, its report and its problems from the stores: an
// edit or a move of another layer does not render it.
export const Inspector = memo(function Inspector() {
  const count = useEditor((s) => s.selection.length);
  const node = useEditor((s) => nodeOf(s.doc, s.selection.length === 1 ? s.selection[0] : undefined));
  const report = useLowering((s) => (node ? s.facts.nodes.get(node.id) : undefined));
  const diags = useLowering(
    useShallow((s) => (node ? s.facts.diagnostics.filter((d) => d.node === node.id) : noDiagnostics)),
  );
  const nameKey = useRef('');
  if (!node)
    return (
      <div className="inspector empty">
        {count > 1 ? `${count} layers selected` : 'Select a layer to edit its parameters.'}
      </div>
    );
  const def = layerDef(node.kind);
  const fields = fieldsOf(node.kind);
  return (
    <div className="inspector" data-testid="inspector">
      <h3>{def?.title ?? node.kind}</h3>
      <p className="hint">{def?.description}</p>
      <label className="field">
        <span className="field-label">Name</span>
        <input
          type="text"
          value={node.name ?? ''}
          placeholder={node.id}
          data-field="name"
          onFocus={() => (nameKey.current = `${node.id}.name#${++focusCount}`)}
          onChange={(e) =>
            useEditor.getState().editJoined(nameKey.current, (d) => renameNode(d, node.id, e.target.value))
          }
        />
      </label>
      {Object.entries(fields).map(([name, schema]) => (
        <Field
          key={`${node.id}.${name}`}
          node={node}
          name={name}
          schema={schema}
          error={errorOf(diags.find((d) => d.field === name))}
        />
      ))}
      <dl className="facts">
        {Object.entries(report?.outputs ?? {}).map(([p, t]) => (
          <div key={p}>
            <dt>Output {p}</dt>
            <dd>{shapeText(t, node.kind)}</dd>
          </div>
        ))}
        <div>
          <dt>Parameters</dt>
          <dd>{exact.format(report?.params ?? 0)}</dd>
        </div>
        <div>
          <dt>FLOPs</dt>
          <dd>{exact.format(report?.flops ?? 0)}</dd>
        </div>
      </dl>
      {diags
        .filter((d) => !d.field)
        .map((d, i) => (
          <p key={i} className={d.severity === 'error' ? 'diag error' : 'diag warning'}>
            {d.port ? `${d.port}: ` : ''}
            {d.message}
          </p>
        ))}
    </div>
  );
});
