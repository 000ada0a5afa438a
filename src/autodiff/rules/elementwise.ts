// Gradients of the elementwise ops (src/ir/ops/elementwise.ts). Binary ops broadcast, so each
// input's gradient is summed back to that input's shape.
import type { Op } from '../../ir/types.ts';
import { floatAttr } from '../../ir/ops/op-row.ts';
import type { GraphEditor } from '../graph-editor.ts';
import type { GradRow, GradRule, NonDifferentiable } from '../rule.ts';
import { mul, scale, sumTo, toFloat, where0 } from '../rule.ts';

function x0(op: Op): string {
  return op.inputs[0]!;
}
function y0(op: Op): string {
  return op.outputs[0]!;
}

/** A unary rule from dy ↦ dx. */
function unary(type: string, f: (g: GraphEditor, op: Op, dy: string) => string): GradRow {
  return { type, grad: (g, op, dy) => (dy[0] === undefined ? [] : [f(g, op, dy[0])]) };
}

const positive = (g: GraphEditor, x: string): string => g.op1('Greater', [x, g.scalar(0)]);

function binary(
  type: string,
  f: (
    g: GraphEditor,
    a: string,
    b: string,
    y: string,
    dy: string,
    need: readonly boolean[],
  ) => [string | undefined, string | undefined],
): GradRow {
  const rule: GradRule = (g, op, dy, need) => {
    const d = dy[0];
    if (d === undefined) return [];
    const a = op.inputs[0]!;
    const b = op.inputs[1]!;
    const [da, db] = f(g, a, b, y0(op), d, need);
    return [
      da !== undefined && need[0] ? sumTo(g, da, g.shape(a)) : undefined,
      db !== undefined && need[1] ? sumTo(g, db, g.shape(b)) : undefined,
    ];
  };
  return { type, grad: rule };
}

export const elementwiseGrads: readonly GradRow[] = [
  unary('Identity', (_g, _op, dy) => dy),
  // sign(relu(x)) is the 0/1 mask: two float passes, cheaper in onnxruntime than Greater + Where.
  unary('Relu', (g, op, dy) => mul(g, dy, g.op1('Sign', [y0(op)]))),
  unary('LeakyRelu', (g, op, dy) =>
    g.op1('Where', [positive(g, x0(op)), dy, scale(g, dy, floatAttr(op.attrs, 'alpha', 0.01))]),
  ),
  // ONNX Elu: y = alpha·(eˣ − 1) for x ≤ 0, so dy/dx = y + alpha there.
  unary('Elu', (g, op, dy) => {
    const alpha = floatAttr(op.attrs, 'alpha', 1);
    const neg = mul(g, dy, g.op1('Add', [y0(op), g.scalar(alpha)]));
    return g.op1('Where', [positive(g, x0(op)), dy, neg]);
  }),
  // ONNX Selu: y = gamma·alpha·(eˣ − 1) for x ≤ 0 (dy/dx = y + gamma·alpha), gamma·x above.
  unary('Selu', (g, op, dy) => {
    const alpha = floatAttr(op.attrs, 'alpha', 1.67326319217681884765625);
    const gamma = floatAttr(op.attrs, 'gamma', 1.05070102214813232421875);
    const neg = mul(g, dy, g.op1('Add', [y0(op), g.scalar(alpha * gamma)]));
    return g.op1('Where', [positive(g, x0(op)), scale(g, dy, gamma), neg]);
  }),
  // ONNX Celu: y = alpha·(e^(x/alpha) − 1) for x ≤ 0, so dy/dx = y/alpha + 1 there.
  unary('Celu', (g, op, dy) => {
    const alpha = floatAttr(op.attrs, 'alpha', 1);
    const slope = g.op1('Add', [scale(g, y0(op), 1 / alpha), g.scalar(1)]);
    return g.op1('Where', [positive(g, x0(op)), dy, mul(g, dy, slope)]);
  }),
  unary('Sigmoid', (g, op, dy) => {
    const y = y0(op);
    return mul(g, dy, mul(g, y, g.op1('Sub', [g.scalar(1), y])));
  }),
  // ONNX HardSigmoid: y = max(0, min(1, alpha·x + beta)); slope alpha strictly inside (0, 1).
  unary('HardSigmoid', (g, op, dy) => {
    const alpha = floatAttr(op.attrs, 'alpha', 0.2);
    const beta = floatAttr(op.attrs, 'beta', 0.5);
    const t = g.op1('Add', [scale(g, x0(op), alpha), g.scalar(beta)]);
    const inside = mul(
      g,
      toFloat(g, g.op1('Greater', [t, g.scalar(0)])),
      toFloat(g, g.op1('Less', [t, g.scalar(1)])),
    );
    return mul(g, scale(g, dy, alpha), inside);
  }),
  // HardSwish = x·hardsigmoid(x; 1/6, 1/2): slope 0 below −3, x/3 + 1/2 in [−3, 3], 1 above (as torch).
  unary('HardSwish', (g, op, dy) => {
    const x = x0(op);
    const mid = g.op1('Add', [scale(g, x, 1 / 3), g.scalar(0.5)]);
    const upper = g.op1('Where', [g.op1('Greater', [x, g.scalar(3)]), g.scalar(1), mid]);
    const slope = g.op1('Where', [g.op1('Less', [x, g.scalar(-3)]), g.scalar(0), upper]);
    return mul(g, dy, slope);
  }),
  unary('Tanh', (g, op, dy) => {
    const y = y0(op);
    return mul(g, dy, g.op1('Sub', [g.scalar(1), mul(g, y, y)]));
  }),
  unary('Softplus', (g, op, dy) => mul(g, dy, g.op1('Sigmoid', [x0(op)]))),
  unary('Softsign', (g, op, dy) => {
    const d = g.op1('Add', [g.scalar(1), g.op1('Abs', [x0(op)])]);
    return g.op1('Div', [dy, mul(g, d, d)]);
  }),
  unary('Exp', (g, op, dy) => mul(g, dy, y0(op))),
  unary('Log', (g, op, dy) => g.op1('Div', [dy, x0(op)])),
  unary('Neg', (g, _op, dy) => g.op1('Neg', [dy])),
  unary('Abs', (g, op, dy) => mul(g, dy, g.op1('Sign', [x0(op)]))),
  unary('Sqrt', (g, op, dy) => g.op1('Div', [scale(g, dy, 0.5), y0(op)])),
  unary('Reciprocal', (g, op, dy) => g.op1('Neg', [mul(g, dy, mul(g, y0(op), y0(op)))])),
  // d erf(x)/dx = 2/√π · e^(−x²)
  unary('Erf', (g, op, dy) => {
    const x = x0(op);
    const e = g.op1('Exp', [g.op1('Neg', [mul(g, x, x)])]);
    return mul(g, dy, scale(g, e, 2 / Math.sqrt(Math.PI)));
  }),
  unary('Sin', (g, op, dy) => mul(g, dy, g.op1('Cos', [x0(op)]))),
  unary('Cos', (g, op, dy) => g.op1('Neg', [mul(g, dy, g.op1('Sin', [x0(op)]))])),
  // Piecewise constant: the gradient is zero almost everywhere (torch agrees).
  { type: 'Floor', grad: () => [] },
  { type: 'Sign', grad: () => [] },
  {
    // Float → float casts pass the gradient; casts from or to int/bool carry none.
    type: 'Cast',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined || g.type(x0(op)).dtype !== 'float32' || g.type(y0(op)).dtype !== 'float32')
        return [];
      return [d];
    },
  },
  {
    // ONNX Clip-13: min and max are optional inputs; the gradient passes where min ≤ x ≤ max.
    type: 'Clip',
    grad: (g, op, dy) => {
      const d = dy[0];
      if (d === undefined) return [];
      const x = x0(op);
      let out = d;
      const lo = op.inputs[1];
      const hi = op.inputs[2];
      if (lo) out = g.op1('Where', [g.op1('Less', [x, lo]), g.scalar(0), out]);
      if (hi) out = g.op1('Where', [g.op1('Greater', [x, hi]), g.scalar(0), out]);
      return [out];
    },
  },
  binary('Add', (_g, _a, _b, _y, dy) => [dy, dy]),
  binary('Sub', (g, _a, _b, _y, dy, need) => [dy, need[1] ? g.op1('Neg', [dy]) : undefined]),
  binary('Mul', (g, a, b, _y, dy, need) => [
    need[0] ? mul(g, dy, b) : undefined,
    need[1] ? mul(g, dy, a) : undefined,
  ]),
  binary('Div', (g, _a, b, y, dy, need) => [
    need[0] ? g.op1('Div', [dy, b]) : undefined,
    need[1] ? g.op1('Neg', [g.op1('Div', [mul(g, dy, y), b])]) : undefined,
  ]),
  // d(aᵇ)/da = b·a^(b−1); d(aᵇ)/db = aᵇ·ln a.
  binary('Pow', (g, a, b, y, dy, need) => [
    need[0] ? mul(g, dy, mul(g, b, g.op1('Pow', [a, g.op1('Sub', [b, g.scalar(1)])]))) : undefined,
    need[1] ? mul(g, dy, mul(g, y, g.op1('Log', [a]))) : undefined,
  ]),
  // Ties split the gradient evenly between both inputs (as torch.maximum/minimum).
  binary('Max', (g, a, b, _y, dy) => splitByMask(g, g.op1('Greater', [a, b]), a, b, dy)),
  binary('Min', (g, a, b, _y, dy) => splitByMask(g, g.op1('Less', [a, b]), a, b, dy)),
  {
    // ONNX PRelu: y = x for x > 0, slope·x otherwise; slope broadcasts to x.
    type: 'PRelu',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const x = x0(op);
      const slope = op.inputs[1]!;
      const pos = positive(g, x);
      return [
        need[0] ? g.op1('Where', [pos, d, mul(g, d, slope)]) : undefined,
        need[1] ? sumTo(g, g.op1('Where', [pos, g.scalar(0), mul(g, d, x)]), g.shape(slope)) : undefined,
      ];
    },
  },
  {
    type: 'Where',
    grad: (g, op, dy, need) => {
      const d = dy[0];
      if (d === undefined) return [];
      const c = op.inputs[0]!;
      const a = op.inputs[1]!;
      const b = op.inputs[2]!;
      return [
        undefined,
        need[1] ? sumTo(g, where0(g, c, d), g.shape(a)) : undefined,
        need[2] ? sumTo(g, g.op1('Where', [c, g.scalar(0), d]), g.shape(b)) : undefined,
      ];
    },
  },
];

function splitByMask(g: GraphEditor, strictlyA: string, a: string, b: string, dy: string): [string, string] {
  const tie = scale(g, toFloat(g, g.op1('Equal', [a, b])), 0.5);
  const wa = g.op1('Add', [toFloat(g, strictlyA), tie]);
  const da = mul(g, dy, wa);
  return [da, g.op1('Sub', [dy, da])];
}

export const elementwiseNoGrad: readonly NonDifferentiable[] = [
  { type: 'Equal', reason: 'its output is bool' },
  { type: 'Less', reason: 'its output is bool' },
  { type: 'Greater', reason: 'its output is bool' },
];
