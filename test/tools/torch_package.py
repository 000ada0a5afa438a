"""Runs PyTorch packages written by `netloom export --format pytorch` and reports numbers as JSON.

    torch_package.py forward cases.json   each case: the package's model (or its first objective) on
                                          given inputs, strict-loaded weights; the largest differences
                                          from the expected outputs (ONNX export, torch fixtures)
    torch_package.py step cases.json      each case: one train.py step (train_step) from given weights
                                          and batch, optional fixed noise; writes the weights after it

Every package is imported fresh (its model, train, data and safetensors_file modules)."""
import importlib
import json
import sys
import warnings

import numpy as np
import torch

PACKAGE_MODULES = ("model", "train", "data", "safetensors_file")


def load_package(folder):
    for name in PACKAGE_MODULES:
        sys.modules.pop(name, None)
    sys.path.insert(0, folder)
    try:
        return importlib.import_module("train")
    finally:
        sys.path.pop(0)


def tensor(path):
    return torch.from_numpy(np.load(path))


def differences(got, want, atol=0.0, rtol=0.0):
    got = got.detach().double()
    want = want.double()
    if tuple(got.shape) != tuple(want.shape):
        return {"shape": list(got.shape), "expected": list(want.shape)}
    if want.numel() == 0:
        return {"maxAbs": 0.0, "maxRel": 0.0, "scale": 0.0, "excess": 0.0}
    diff = (got - want).abs()
    nan = torch.isnan(got) != torch.isnan(want)
    return {
        "maxAbs": float(torch.nan_to_num(diff, nan=0.0).max()),
        "maxRel": float(torch.nan_to_num(diff / want.abs().clamp_min(1e-6), nan=0.0).max()),
        "scale": float(torch.nan_to_num(want.abs(), nan=0.0).max()),
        # How far the worst element is past |got - want| <= atol + rtol * |want| (<= 0: within).
        "excess": float("inf") if bool(nan.any()) else float(torch.nan_to_num(diff - (atol + rtol * want.abs()), nan=0.0).max()),
    }



def forward_case(case):
    train = load_package(case["dir"])
    model = train.MODEL()
    report = {}
    if case.get("weights"):
        state = train.load_file(case["weights"])
        missing, unexpected = model.load_state_dict(state, strict=True)
        report["strict"] = not missing and not unexpected
    model.train(case.get("mode") == "train")
    inputs = [tensor(p) for p in case["inputs"]]
    with torch.no_grad():
        if case.get("call") == "objective":
            objectives = train.Objectives(model)
            objectives.train(case.get("mode") == "train")
            loss, _ = objectives(0, *inputs)
            outputs = [loss]
        else:
            out = model(*inputs)
            outputs = list(out) if isinstance(out, tuple) else [out]
    tol = (case.get("atol", 0.0), case.get("rtol", 0.0))
    report["outputs"] = [differences(o, tensor(p), *tol) for o, p in zip(outputs, case["expected"])]
    report["count"] = len(outputs)
    return report


def step_case(case):
    train = load_package(case["dir"])
    torch.manual_seed(0)
    model = train.MODEL()
    model.load_state_dict(train.load_file(case["weights"]), strict=True)
    steps = train.make_steps(model, case.get("optimizer"), case.get("lr"))
    objectives = train.Objectives(model)
    objectives.train()
    draws = [tensor(p) for p in case.get("noise", [])]
    if draws:
        # The noise Netloom's step was fed, in the order the objectives draw it.
        def fixed(*shape, device=None, **_):
            t = draws.pop(0)
            assert tuple(t.shape) == tuple(shape), f"noise {tuple(t.shape)} for a draw of {shape}"
            return t.to(device) if device is not None else t

        def fixed_like(like, **_):
            return fixed(*like.shape, device=like.device)

        train.noise = fixed
        torch.randn_like = fixed_like
    # The batch as Netloom's step saw it (already normalised): no to_device here.
    x = tensor(case["x"])
    x = x if x.dtype == torch.int64 else x.float()  # token ids stay integers
    y = tensor(case["y"])
    y = y.long() if case["task"] == "classification" else y.float()
    results = train.train_step(objectives, steps, x, y)
    train.save_file(train.netloom_weights(model), case["out"])
    return {"losses": [float(loss) for loss, _ in results], "noiseLeft": len(draws)}


def main():
    warnings.simplefilter("ignore")  # torch's advice (e.g. on padding='same') is not a result
    mode, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        cases = json.load(f)
    run = {"forward": forward_case, "step": step_case}[mode]
    out = {}
    for name, case in cases.items():
        try:
            out[name] = run(case)
        except Exception as e:  # reported per case, so one failure does not hide the others
            out[name] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
