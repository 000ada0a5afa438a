"""Runs an exported package's train.py in this process (started by torchrun), then saves the weights
this rank ends with as <out>/rank<N>.safetensors, so a test can check that every rank agrees.

    torchrun --standalone --nproc_per_node=2 ddp_ranks.py PACKAGE [train.py flags...]"""
import os
import sys

package = sys.argv[1]
sys.path.insert(0, package)
import train  # noqa: E402  (the package's own train.py)

flags = sys.argv[2:]
model = train.main(flags)
out = flags[flags.index("--out") + 1] if "--out" in flags else "runs"
rank = os.environ.get("RANK", "0")
train.save_file(train.netloom_weights(model), os.path.join(out, f"rank{rank}.safetensors"))
