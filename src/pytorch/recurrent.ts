// RNN, LSTM and GRU as torch.nn's, batch first: the same weight names, layout and gate order.
// "Last state" is h_n of the top layer (both directions side by side when bidirectional).
import { gruLayer, lstmLayer, rnnLayer } from '../layers/recurrent.ts';
import { call, kwargs, pyString } from './python.ts';
import { inShape } from './shapes.ts';
import type { AnyTorchForm, FormArgs, TorchCode } from './torch-form.ts';
import { torchForm } from './torch-form.ts';

interface RecurrentParams extends Record<string, unknown> {
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  bias: boolean;
  returnSequences: boolean;
  nonlinearity?: 'tanh' | 'relu';
}

function recurrentModule(kind: 'RNN' | 'LSTM' | 'GRU', p: RecurrentParams, features: number): string {
  return call(
    `nn.${kind}`,
    [String(features), String(p.hiddenSize)],
    [
      ...kwargs(['num_layers', p.numLayers, 1]),
      ...(p.nonlinearity === 'relu' ? [`nonlinearity=${pyString('relu')}`] : []),
      ...kwargs(['bias', p.bias, true], ['batch_first', true], ['bidirectional', p.bidirectional, false]),
    ],
  );
}

function recurrentCall(kind: 'RNN' | 'LSTM' | 'GRU', a: FormArgs<RecurrentParams>): TorchCode {
  const x = a.x['x']!;
  if (a.p.returnSequences) return { lines: (o) => [`${o['y']}, _ = ${a.m}(${x})`] };
  const state = kind === 'LSTM' ? `(${'$'}, _)` : '$';
  return {
    lines: (o) => {
      const y = o['y']!;
      return [
        `_, ${state.replace('$', y)} = ${a.m}(${x})`,
        a.p.bidirectional ? `${y} = torch.cat([${y}[-2], ${y}[-1]], dim=1)` : `${y} = ${y}[-1]`,
      ];
    },
  };
}

export const rnnTorch = torchForm(rnnLayer, {
  module: (p, t) => recurrentModule('RNN', p, inShape(t)[2]!),
  call: (a) => recurrentCall('RNN', a),
});

export const lstmTorch = torchForm(lstmLayer, {
  module: (p, t) => recurrentModule('LSTM', p, inShape(t)[2]!),
  call: (a) => recurrentCall('LSTM', a),
});

export const gruTorch = torchForm(gruLayer, {
  module: (p, t) => recurrentModule('GRU', p, inShape(t)[2]!),
  call: (a) => recurrentCall('GRU', a),
});

export const recurrentTorchForms: readonly AnyTorchForm[] = [rnnTorch, lstmTorch, gruTorch];
