"""Loads weights exported by Netloom (safetensors, torch's state_dict names) into torchvision's
models with load_state_dict(strict=True) and runs them in eval mode.

Usage: torchvision_outputs.py jobs.json, where jobs.json is [{"model": template name, "weights":
file.safetensors, "input": x.npy, "output": y.npy}, ...]. Writes each output .npy and prints JSON
{template: {"loaded": true} | {"error": message}}."""
import json
import struct
import sys

import numpy as np
import torch

from reference_models import ZOO, without_initial_values


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = memoryview(raw)[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        assert info["dtype"] == "F32", name
        out[name] = torch.from_numpy(np.frombuffer(data[b:e], dtype="<f4").reshape(info["shape"]).copy())
    return out


def main():
    torch.set_num_threads(1)
    results = {}
    for job in json.load(open(sys.argv[1])):
        name = job["model"]
        try:
            # Every value is loaded from the file, so torch's own initialisation is skipped.
            with without_initial_values():
                model = ZOO[name]()
            # strict=True: every key of torchvision's state_dict must be in the file and nothing
            # else (BatchNorm's num_batches_tracked, absent from a plain dict, is filled by torch).
            model.load_state_dict(read_safetensors(job["weights"]), strict=True)
            model.eval()
            with torch.no_grad():
                y = model(torch.from_numpy(np.load(job["input"])))
            np.save(job["output"], y.numpy().astype(np.float32))
            results[name] = {"loaded": True}
        except Exception as e:  # noqa: BLE001 - reported to the test, which names the model
            results[name] = {"error": f"{type(e).__name__}: {e}"}
        model = None
    print(json.dumps(results))


if __name__ == "__main__":
    main()
