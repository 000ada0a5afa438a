// A user's CSV file as a dataset: numeric feature columns and one label column. Problems name the
// row (1-based, as a spreadsheet shows it) and the column.
import { NetloomError } from '../../util/errors.ts';
import { clip, echo } from '../../util/text.ts';
import type { Dataset, Task } from './dataset.ts';

export interface CsvOptions {
  /** The label column, by header name or 0-based index; default: the last column. */
  readonly label?: string | number;
  /** Default: classification when every label is an integer or a non-numeric word, else regression. */
  readonly task?: Task;
  readonly name?: string;
  /** Path shown in errors. */
  readonly path?: string;
}

function splitLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

/** A number float32 can hold: 1e39 parses in JavaScript but would become Infinity in training. */
const isNumber = (s: string): boolean => s !== '' && Number.isFinite(Math.fround(Number(s)));

/** Why a cell is not a number features or regression labels can use. */
function notANumber(c: string): string {
  const v = Number(c);
  return c !== '' && Number.isFinite(v)
    ? `"${echo(c)}" is beyond what float32 holds (±3.4e38)`
    : `"${echo(c)}" is not a number`;
}

export function parseCsv(text: string, o: CsvOptions = {}): Dataset {
  const place = o.path ? { path: o.path } : {};
  const fail = (msg: string): never => {
    throw new NetloomError('invalid-file', `${o.path ? `${o.path}: ` : ''}${msg}`, place);
  };
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ cells: splitLine(l), row: i + 1, blank: l.trim() === '' }));
  const rows = lines.filter((l) => !l.blank);
  if (rows.length === 0) fail('the file is empty');
  const first = rows[0]!;
  const hasHeader = first.cells.some((c) => !isNumber(c));
  const width = first.cells.length;
  const header = (hasHeader ? first.cells : first.cells.map((_, i) => `column ${i + 1}`)).map((h) =>
    echo(h, 40),
  );
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) fail('there are no data rows after the header');
  if (width < 2) fail(`row ${first.row} has ${width} column; at least one feature and a label are needed`);
  let labelCol = width - 1;
  if (typeof o.label === 'number') labelCol = o.label;
  else if (typeof o.label === 'string') {
    labelCol = header.indexOf(o.label);
    if (labelCol < 0) fail(`there is no column "${echo(o.label)}" (columns: ${clip(header.join(', '))})`);
  }
  if (labelCol < 0 || labelCol >= width) fail(`label column ${labelCol} is outside the ${width} columns`);
  const nf = width - 1;
  const x = new Float32Array(body.length * nf);
  const rawLabels: string[] = [];
  body.forEach((r, i) => {
    if (r.cells.length !== width) fail(`row ${r.row} has ${r.cells.length} columns; the header has ${width}`);
    let k = 0;
    r.cells.forEach((c, j) => {
      if (j === labelCol) {
        if (c === '') fail(`row ${r.row}, column "${header[j]}": the label is empty`);
        rawLabels.push(c);
        return;
      }
      if (!isNumber(c)) fail(`row ${r.row}, column "${header[j]}": ${notANumber(c)}`);
      x[i * nf + k++] = Number(c);
    });
  });
  const numeric = rawLabels.every(isNumber);
  const placeOf = (example: number): string =>
    `${o.path ? `${o.path}: ` : ''}row ${body[example]?.row ?? '?'}, column "${header[labelCol]}"`;
  const integral = numeric && rawLabels.every((v) => Number.isInteger(Number(v)));
  const task: Task = o.task ?? (!numeric || integral ? 'classification' : 'regression');
  const name = o.name ?? 'csv';
  if (task === 'regression') {
    if (!numeric) {
      const bad = rawLabels.findIndex((v) => !isNumber(v));
      fail(`row ${body[bad]!.row}, column "${header[labelCol]}": ${notANumber(rawLabels[bad]!)}`);
    }
    const y = Float32Array.from(rawLabels, Number);
    return { name, task, featureShape: [nf], targetShape: [1], size: body.length, x, y, placeOf };
  }
  const classes = numeric
    ? [...new Set(rawLabels.map(Number))].sort((a, b) => a - b).map(String)
    : [...new Set(rawLabels)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Float32Array.from(rawLabels, (v) => index.get(numeric ? String(Number(v)) : v)!);
  return {
    name,
    task,
    featureShape: [nf],
    targetShape: [],
    size: body.length,
    x,
    y,
    classes: classes.length,
    labels: classes,
    placeOf,
  };
}
