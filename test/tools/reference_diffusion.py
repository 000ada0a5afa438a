"""The PyTorch module the ddpm-mnist template (src/templates/diffusion.ts) is checked against: a
small DDPM U-Net (Ho et al. 2020) written as torch code from the paper's description, independently
of Netloom's document. Its state_dict keys are the Netloom weight ids, so weights load by name.

  python3 reference_diffusion.py                 prints {"params": N, "shapes": {key: shape}}
  python3 reference_diffusion.py W.safetensors X.npy T.npy OUT.npy
                                                 loads Netloom's weights (strict), writes eps(x_t, t)
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """The Transformer's sinusoid of t: column 2i is sin(t * 10000^(-2i/dim)), column 2i+1 its cos.
    In t's own dtype when t is floating (a float64 reference run stays float64), else float32."""
    dtype = t.dtype if t.is_floating_point() else torch.float32
    freqs = torch.exp(torch.arange(0, dim, 2, dtype=dtype) * (-math.log(10000.0) / dim))
    angles = t.to(dtype)[:, None] * freqs[None, :]
    return torch.stack([torch.sin(angles), torch.cos(angles)], dim=2).reshape(t.shape[0], dim)


class Stage(nn.Module):
    """An optional way in (a stride-2 convolution down, or a 4x4 stride-2 transposed convolution up),
    then a residual block: GroupNorm -> SiLU -> conv3x3, plus a linear projection of the step
    embedding; GroupNorm -> SiLU -> conv3x3; added to the block's input (a 1x1 convolution when the
    channels change)."""

    def __init__(self, cin, c, temb, down=None, up=None, stem=False, groups=8):
        super().__init__()
        if stem:
            self.stem = nn.Conv2d(1, cin, 3, 1, 1)
        if down is not None:
            self.down = nn.Conv2d(down, cin, 3, 2, 1)
        if up is not None:
            self.up = nn.ConvTranspose2d(up[0], up[1], 4, 2, 1)
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, c, 3, 1, 1)
        self.time = nn.Linear(temb, c)
        self.norm2 = nn.GroupNorm(groups, c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1)
        if cin != c:
            self.skip = nn.Conv2d(cin, c, 1)

    def forward(self, x, e):
        h = self.conv1(F.silu(self.norm1(x))) + self.time(e)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.skip(x) if hasattr(self, "skip") else x) + h


class Time(nn.Module):
    def __init__(self, dim=32, temb=128):
        super().__init__()
        self.dim = dim
        self.fc1 = nn.Linear(dim, temb)
        self.fc2 = nn.Linear(temb, temb)

    def forward(self, t):
        return F.silu(self.fc2(F.silu(self.fc1(timestep_embedding(t, self.dim)))))


class UNet(nn.Module):
    """28x28 (16 ch) -> 14x14 (32) -> 7x7 (32) -> up by transposed convolutions, skips by concatenation."""

    def __init__(self, c1=16, c2=32, temb=128):
        super().__init__()
        self.time = Time(32, temb)
        self.down1 = Stage(c1, c1, temb, stem=True)
        self.down2 = Stage(c2, c2, temb, down=c1)
        self.middle = Stage(c2, c2, temb, down=c2)
        self.up2 = Stage(2 * c2, c2, temb, up=(c2, c2))
        self.up1 = Stage(2 * c1, c1, temb, up=(c2, c1))
        self.up1.norm = nn.GroupNorm(8, c1)
        self.head = nn.Conv2d(c1, 1, 3, 1, 1)

    def forward(self, x, t):
        e = self.time(t)
        h1 = self.down1(self.down1.stem(x), e)
        h2 = self.down2(self.down2.down(h1), e)
        m = self.middle(self.middle.down(h2), e)
        u = self.up2(torch.cat([h2, self.up2.up(m)], 1), e)
        u = self.up1(torch.cat([h1, self.up1.up(u)], 1), e)
        return self.head(F.silu(self.up1.norm(u)))


def read_safetensors(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        body = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", (k, v["dtype"])
        a, b = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(body[a:b], dtype=np.float32).reshape(v["shape"]).copy())
    return out


def write_safetensors(path, tensors):
    """Writes tensors as float32 safetensors (8-byte header length, JSON header padded to 8, data),
    through a temporary file renamed into place."""
    header, blobs, offset = {}, [], 0
    for k, v in tensors.items():
        b = v.detach().to(torch.float32).cpu().contiguous().numpy().astype("<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(v.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        f.write(len(h).to_bytes(8, "little") + h + b"".join(blobs))
    os.replace(tmp, path)


def main():
    torch.manual_seed(0)
    model = UNet()
    if len(sys.argv) == 1:
        sd = model.state_dict()
        print(json.dumps({"params": sum(p.numel() for p in model.parameters()),
                          "shapes": {k: list(v.shape) for k, v in sd.items()}}))
        return
    weights, x_path, t_path, out_path = sys.argv[1:5]
    model.load_state_dict(read_safetensors(weights), strict=True)
    model.eval()
    with torch.no_grad():
        eps = model(torch.from_numpy(np.load(x_path)), torch.from_numpy(np.load(t_path)))
    np.save(out_path, eps.numpy())


if __name__ == "__main__":
    main()
