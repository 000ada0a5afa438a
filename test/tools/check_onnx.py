"""Runs onnx.checker (full_check) on each file given; prints one JSON object {path: error-or-null}."""
import json
import sys

import onnx

results = {}
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        results[path] = None
    except Exception as e:  # noqa: BLE001 - every failure is a result to report
        results[path] = f"{type(e).__name__}: {e}"
print(json.dumps(results))
