"""Decoders in torch for test/runtime/generate-images.test.ts: reads JSON {model, weights: [{shape}]
in state_dict order (num_batches_tracked left out), z, zshape, labels?} and the weights' values, one
float32 array in that order, from the file beside it (its name + ".f32"); loads them into the
module of reference_generative.py (the 64x64 DCGAN's generator from reference_models.py, the VAE's
decoder written here, as the PyTorch example's), runs it in eval mode and prints the images as a
flat JSON list."""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from reference_generative import CondG, conv_autoencoder, dcgan_mnist  # noqa: E402
from reference_models import dcgan  # noqa: E402

spec = json.load(open(sys.argv[1]))
model = spec["model"]
if model == "dcgan-mnist":
    m = dcgan_mnist()["generator"]
    forward = lambda z, y: m(z)  # noqa: E731
elif model == "dcgan":
    m = dcgan()[0]
    forward = lambda z, y: m(z)  # noqa: E731
elif model == "cgan-mnist":
    m = CondG()
    forward = lambda z, y: m.net(torch.cat([z, m.embed(y)], 1))  # noqa: E731
elif model == "conv-autoencoder":
    m = conv_autoencoder()["decoder"]
    forward = lambda z, y: m(z)  # noqa: E731
elif model == "vae":
    m = nn.Sequential(nn.Linear(20, 400), nn.ReLU(), nn.Linear(400, 784), nn.Sigmoid())
    forward = lambda z, y: m(z)  # noqa: E731
else:
    raise SystemExit("unknown model " + model)
state = m.state_dict()
keys = [k for k in state if not k.endswith("num_batches_tracked")]
if len(keys) != len(spec["weights"]):
    raise SystemExit(f"{model}: {len(keys)} tensors in torch, {len(spec['weights'])} given")
values = np.fromfile(sys.argv[1] + ".f32", dtype=np.float32)
at = 0
for k, w in zip(keys, spec["weights"]):
    if list(state[k].shape) != w["shape"]:
        raise SystemExit(f"{k}: torch {list(state[k].shape)}, given {w['shape']}")
    n = int(np.prod(w["shape"]))
    state[k] = torch.from_numpy(values[at : at + n].copy()).view(w["shape"])
    at += n
if at != values.size:
    raise SystemExit(f"{model}: {values.size} values given, {at} used")
m.load_state_dict(state)
m.eval()
z = torch.tensor(spec["z"], dtype=torch.float32).view(spec["zshape"])
labels = torch.tensor(spec.get("labels") or [0] * spec["zshape"][0], dtype=torch.long)
with torch.no_grad():
    print(json.dumps(forward(z, labels).flatten().tolist()))
