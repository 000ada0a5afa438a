// A problem as a sentence for the user: the core's parameter messages carry the field and zod's
// wording ("units: Invalid input: expected number, received string"); the Problems list and the
// inspector show "units must be a number" instead, the field named once.
import type { Diagnostic } from '../../src/util/errors.ts';
import type { NodeReport } from '../../src/compile/lower-node.ts';
import { layerDef } from '../../src/layers/registry.ts';
import { portsOf } from '../../src/layers/layer-def.ts';
import { echo } from '../../src/util/text.ts';

const rules: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Invalid input: expected (?:number|int), received (?:string|undefined|null)/, () => 'must be a number'],
  [/^Invalid input: expected int, received number/, () => 'must be a whole number'],
  [/^Invalid input: expected boolean/, () => 'must be on or off'],
  [/^Invalid input: expected array/, () => 'must be a list of numbers'],
  [/^Too small: expected number to be >=?\s*(\S+)/, (m) => `must be at least ${m[1]}`],
  [/^Too small: expected number to be >\s*(\S+)/, (m) => `must be more than ${m[1]}`],
  [/^Too big: expected number to be <=?\s*(\S+)/, (m) => `must be at most ${m[1]}`],
  [/^Too small: expected array to have >=?\s*(\S+) items?/, (m) => `needs at least ${m[1]} numbers`],
  [/^Too big: expected array to have <=?\s*(\S+) items?/, (m) => `takes at most ${m[1]} numbers`],
  [/^Invalid option: expected one of (.+)/, (m) => `must be one of ${m[1]!.replace(/\|/g, ', ')}`],
];

/** The message of a problem without its field repeated, in plain words where zod's are known. */
export function problemSentence(d: Pick<Diagnostic, 'field' | 'message'>): string {
  let text = d.message;
  if (d.field && text.startsWith(`${d.field}: `)) text = text.slice(d.field.length + 2);
  for (const [re, say] of rules) {
    const m = re.exec(text);
    if (m) return d.field ? `${d.field} ${say(m)}` : say(m);
  }
  return d.field && text !== d.message ? `${d.field}: ${text}` : text;
}

/** A port as its node draws it ("prediction", "log σ²"), not the core's name for it ("x", "logvar"). */
export function portLabel(
  report: Pick<NodeReport, 'kind' | 'resolvedParams'> | undefined,
  port: string,
): string {
  const def = report ? layerDef(report.kind) : undefined;
  if (def) {
    const params = report?.resolvedParams ?? {};
    try {
      for (const side of [def.inputs, def.outputs]) {
        const p = portsOf(side, params).find((x) => x.name === port);
        if (p) return p.label ?? p.name;
      }
    } catch {
      // Ports that depend on half-typed parameters: the core's name is the best left.
    }
  }
  return echo(port, 40);
}
