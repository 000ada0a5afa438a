// The selected layer's parameters as a form generated from its zod schema (through JSON Schema):
// numbers with their ranges, enums as selects, tuples as rows of boxes, booleans as checkboxes.
// Every keystroke is an edit; the lowering validates it and the message shows beside the field.
import { z } from 'zod';
import { useState, memo } from 'react';
import type { DocNode } from '../../src/document/schema.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { renameNode, setParam } from '../../src/document/edits.ts';
import { useEditor } from '../store/document-store.ts';
import { useLowered } from '../store/lowering-store.ts';
import { shapeText } from '../lib/flow-model.ts';

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

function Field(props: { node: DocNode; name: string; schema: FieldSchema; error: string | undefined }) {
  const { node, name, schema } = props;
  const value = node.params[name] ?? schema.default;
  const edit = (v: unknown) => useEditor.getState().edit((d) => setParam(d, node.id, name, v));
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
          <input
            key={i}
            type="text"
            inputMode="numeric"
            value={String(arr[i] ?? '')}
            data-field={`${name}.${i}`}
            onChange={(e) => {
              const next = [...arr];
              next[i] = numberOrText(e.target.value);
              edit(next);
            }}
          />
        ))}
      </span>
    );
  } else if (schema.type === 'array') {
    control = <ListInput value={value} onChange={edit} field={name} />;
  } else {
    const range =
      schema.minimum !== undefined || schema.maximum !== undefined
        ? `${schema.minimum ?? schema.exclusiveMinimum ?? ''}…${schema.maximum !== undefined && schema.maximum < 1e15 ? schema.maximum : (schema.exclusiveMaximum ?? '')}`
        : undefined;
    control = (
      <input
        type="text"
        inputMode="decimal"
        value={String(value ?? '')}
        title={range ? `range ${range}` : undefined}
        data-field={name}
        onChange={(e) => edit(schema.type === 'string' ? e.target.value : numberOrText(e.target.value))}
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

/** A list such as a shape, typed as "1, 28, 28"; the text is kept while typing. */
function ListInput(props: { value: unknown; onChange: (v: unknown) => void; field: string }) {
  const shown = Array.isArray(props.value) ? props.value.join(', ') : String(props.value ?? '');
  const [text, setText] = useState<string>();
  return (
    <input
      type="text"
      value={text ?? shown}
      data-field={props.field}
      onFocus={() => setText(shown)}
      onBlur={() => setText(undefined)}
      onChange={(e) => {
        setText(e.target.value);
        props.onChange(listValue(e.target.value));
      }}
    />
  );
}

// Memoised: it reads the stores itself, so the window's re-renders need not reach it.
export const Inspector = memo(function Inspector() {
  const doc = useEditor((s) => s.doc);
  const selection = useEditor((s) => s.selection);
  const lowered = useLowered();
  const node = selection.length === 1 ? doc.nodes.find((n) => n.id === selection[0]) : undefined;
  if (!node)
    return (
      <div className="inspector empty">
        {selection.length > 1
          ? `${selection.length} layers selected`
          : 'Select a layer to edit its parameters.'}
      </div>
    );
  const def = layerDef(node.kind);
  const report = lowered.nodes.get(node.id);
  const diags = lowered.diagnostics.filter((d) => d.node === node.id);
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
          onChange={(e) => useEditor.getState().edit((d) => renameNode(d, node.id, e.target.value))}
        />
      </label>
      {Object.entries(fields).map(([name, schema]) => (
        <Field
          key={name}
          node={node}
          name={name}
          schema={schema}
          error={diags.find((d) => d.field === name)?.message}
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
          <dd>{(report?.params ?? 0).toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>FLOPs</dt>
          <dd>{(report?.flops ?? 0).toLocaleString('en-US')}</dd>
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
