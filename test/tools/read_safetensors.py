"""Reads a safetensors file by the format's spec (8-byte little-endian header length, JSON header,
raw little-endian data) with numpy, compares every tensor with the same-named initializer of an
ONNX model (onnx.numpy_helper), and loads the tensors into torch as a state_dict. Prints JSON."""
import json
import struct
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch

st_path, onnx_path = sys.argv[1], sys.argv[2]
raw = open(st_path, "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8 : 8 + n])
data = raw[8 + n :]
tensors = {}
for name, info in header.items():
    if name == "__metadata__":
        continue
    b, e = info["data_offsets"]
    tensors[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(info["shape"])
inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(onnx_path).graph.initializer}
worst = 0.0
missing = []
for name, t in tensors.items():
    if name not in inits:
        missing.append(name)
        continue
    worst = max(worst, float(np.abs(inits[name].reshape(t.shape) - t).max()))
state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}
print(
    json.dumps(
        {
            "names": sorted(tensors),
            "metadata": header.get("__metadata__", {}),
            "aligned": (8 + n) % 8 == 0,
            "maxAbsDiff": worst,
            "missingInOnnx": missing,
            "torchParams": int(sum(v.numel() for v in state.values())),
        }
    )
)
