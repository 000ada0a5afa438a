"""How sure the outside digit judge (test/tools/judge_digits.py's CNN, trained by
test/fixtures/mnist_judge.py) is of unconditioned samples, e.g. the DDPM's: per PNG grid as
`netloom sample -o` writes it, the share of tiles it classifies with probability > 0.9 and how those
spread over the ten digits; beside it, the same share for the 1,000 real digits the judge held out
(every tenth) and for 1,000 images of pure noise mapped to pixels as samples are, ((z + 1) / 2)
clipped to [0, 1].

  python3 test/tools/judge_confidence.py grid.png [more.png ...]
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "fixtures")))
from judge_digits import load, tiles  # noqa: E402
from mnist_judge import digits  # noqa: E402


def sure(model, x):
    with torch.no_grad():
        p = F.softmax(model(x), 1)
    conf, cls = p.max(1)
    return float((conf > 0.9).float().mean()), np.bincount(cls[conf > 0.9].numpy(), minlength=10).tolist()


def main(paths):
    model = load()
    x, _ = digits()
    held = torch.arange(x.shape[0]) % 10 == 0
    print(f"real held-out digits ({int(held.sum())}): sure (p > 0.9) of {sure(model, x[held])[0]:.3f}")
    z = torch.randn(1000, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    print(f"pure noise (1000): sure of {sure(model, ((z + 1) / 2).clamp(0, 1))[0]:.3f}")
    for p in paths:
        t = torch.from_numpy(tiles(p, None)).unsqueeze(1)
        share, per = sure(model, t)
        print(f"{p} ({len(t)} tiles): sure of {share:.3f}; sure per digit 0-9 {per}")


if __name__ == "__main__":
    main(sys.argv[1:])
