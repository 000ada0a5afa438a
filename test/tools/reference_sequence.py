"""PyTorch modules the sequence templates (src/templates/sequence.ts) are checked against: prints
JSON {template: {"params": N, "shapes": [parameter shapes in state_dict order, a tied tensor once]}}.
Written from torch.nn's documented modules, independently of Netloom's documents."""
import json

import torch.nn as nn

from reference_generative import GPTMini


class RowReader(nn.Module):
    """MNIST as 28 steps of 28 pixels: a recurrent layer's last state (both directions' side by side
    when bidirectional) into a linear classifier."""

    def __init__(self, cell, hidden, bidirectional=False):
        super().__init__()
        self.rnn = cell(28, hidden, batch_first=True, bidirectional=bidirectional)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), 10)


class TextLSTM(nn.Module):
    """Word ids -> nn.Embedding -> nn.LSTM's last state -> two classes."""

    def __init__(self, vocab=31, dim=16, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 2)


class GPTMiniTied(GPTMini):
    """GPT-2's weight tying (Press & Wolf 2017): the head's weight is the token embedding's."""

    def __init__(self):
        super().__init__()
        self.head.weight = self.wte.weight


def describe(m):
    seen = set()
    shapes = []
    for v in m.state_dict(keep_vars=True).values():
        if id(v) in seen:
            continue
        seen.add(id(v))
        shapes.append(list(v.shape))
    return {"params": sum(p.numel() for p in m.parameters()), "shapes": shapes}


def main():
    print(json.dumps({
        "gru": describe(RowReader(nn.GRU, 128)),
        "bilstm": describe(RowReader(nn.LSTM, 64, bidirectional=True)),
        "text-lstm": describe(TextLSTM()),
        "gpt-mini-tied": describe(GPTMiniTied()),
    }))


if __name__ == "__main__":
    main()
