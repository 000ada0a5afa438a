// The Train panel's form: dataset (and a CSV file), optimizer, which Input takes the data and the
// labels, and the numbers. Locked while a run is going.
import { optimizerNames } from '../../src/autodiff/optimizers.ts';
import type { Settings } from './settings.ts';
import { trainDatasets } from './settings.ts';

/** Which Input node takes the data and which the labels ('' = as wired / none). */
export interface Bindings {
  readonly features: string;
  readonly targets: string;
}

function SelectField<T extends string>(props: {
  label: string;
  field: string;
  value: T;
  options: readonly T[];
  disabled: boolean;
  onChange: (v: T) => void;
}) {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      <select
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as T)}
        disabled={props.disabled}
        data-field={props.field}
      >
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o === '' ? '(as wired)' : o}
          </option>
        ))}
      </select>
    </label>
  );
}

const numbers = [
  ['Learning rate', 'lr'],
  ['Batch size', 'batch'],
  ['Epochs', 'epochs'],
  ['Seed', 'seed'],
  ['Examples (0 = all)', 'limit'],
] as const;

export function TrainSettings(props: {
  settings: Settings;
  onChange: <K extends keyof Settings>(key: K, value: Settings[K]) => void;
  onCsv: (text: string | undefined) => void;
  /** The Input nodes' names: with more than one, the user says which takes what. */
  inputNames: readonly string[];
  bindings: Bindings;
  onBindings: (b: Bindings) => void;
  disabled: boolean;
}) {
  const { settings: s, onChange: set, disabled } = props;
  return (
    <>
      <SelectField
        label="Dataset"
        field="dataset"
        value={s.dataset}
        options={trainDatasets}
        disabled={disabled}
        onChange={(v) => set('dataset', v)}
      />
      {s.dataset === 'csv' && (
        <label className="field">
          <span className="field-label">CSV file</span>
          <input
            type="file"
            accept=".csv"
            onChange={async (e) => props.onCsv(await e.target.files?.[0]?.text())}
          />
        </label>
      )}
      <SelectField
        label="Optimizer"
        field="optimizer"
        value={s.optimizer}
        options={optimizerNames}
        disabled={disabled}
        onChange={(v) => set('optimizer', v)}
      />
      {props.inputNames.length > 1 && (
        <>
          <SelectField
            label="Data goes to"
            field="bind-features"
            value={props.bindings.features}
            options={['', ...props.inputNames]}
            disabled={disabled}
            onChange={(v) => props.onBindings({ ...props.bindings, features: v })}
          />
          <SelectField
            label="Labels go to"
            field="bind-targets"
            value={props.bindings.targets}
            options={['', ...props.inputNames]}
            disabled={disabled}
            onChange={(v) => props.onBindings({ ...props.bindings, targets: v })}
          />
        </>
      )}
      {numbers.map(([label, f]) => (
        <label className="field" key={`${f}-${String(s[f])}`}>
          <span className="field-label">{label}</span>
          <input
            type="text"
            defaultValue={String(s[f])}
            disabled={disabled}
            data-field={f}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (e.target.value.trim() !== '' && Number.isFinite(v)) set(f, v);
            }}
          />
        </label>
      ))}
    </>
  );
}
