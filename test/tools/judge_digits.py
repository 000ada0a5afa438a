"""An outside judge of generated digits: a small CNN that test/fixtures/mnist_judge.py trains in
torch (97.6 % on 1,000 held-out MNIST digits) and stores in test/fixtures/data/mnist-judge.json.

  judge_digits.py [--count N] D=grid.png [D=grid.png ...]

Each grid is a PNG as `netloom sample -o` writes it (torchvision's make_grid layout: 28x28 tiles,
2 black pixels between and around, row by row), its first N tiles (all, without --count) asked for
the digit D. Prints JSON {"D": {"asked": D, "judged": [digit per tile], "agree": k, "of": n}, ...}
and, last, {"agree": k, "of": n} over all grids."""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

WEIGHTS = os.path.join(os.path.dirname(__file__), "..", "fixtures", "data", "mnist-judge.json")


def judge() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10))


def load() -> nn.Module:
    m = judge()
    saved = json.load(open(WEIGHTS))["state"]
    m.load_state_dict({k: torch.tensor(v["data"], dtype=torch.float32).view(v["shape"]) for k, v in saved.items()})
    return m.eval()


def tiles(path: str, count):
    grid = np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 255.0
    rows, cols = (grid.shape[0] - 2) // 30, (grid.shape[1] - 2) // 30
    if rows * 30 + 2 != grid.shape[0] or cols * 30 + 2 != grid.shape[1]:
        raise SystemExit(f"{path}: {grid.shape[1]}x{grid.shape[0]} is not a grid of 28x28 tiles with padding 2")
    out = [grid[2 + r * 30: 30 + r * 30, 2 + c * 30: 30 + c * 30] for r in range(rows) for c in range(cols)]
    return np.stack(out[: count or len(out)])


def main(argv):
    count = None
    if argv[:1] == ["--count"]:
        count, argv = int(argv[1]), argv[2:]
    model = load()
    report, agree, total = {}, 0, 0
    for arg in argv:
        digit, path = arg.split("=", 1)
        x = torch.from_numpy(tiles(path, count)).unsqueeze(1)
        with torch.no_grad():
            judged = model(x).argmax(1).tolist()
        k = sum(j == int(digit) for j in judged)
        report[path] = {"asked": int(digit), "judged": judged, "agree": k, "of": len(judged)}
        agree, total = agree + k, total + len(judged)
    report["all"] = {"agree": agree, "of": total}
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
