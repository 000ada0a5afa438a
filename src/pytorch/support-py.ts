// The package's two support files, the same for every project: data.py reads the data kinds
// Netloom knows (its shipped sets written out as .npy, a CSV file, a folder of images per class)
// and splits off validation examples exactly as Netloom does; safetensors_file.py reads and writes
// Netloom's weights files without the safetensors package (Debian's PyTorch does not ship it).

export const dataPy = String.raw`"""The examples train.py learns from, in the data kinds Netloom knows.

A folder given with --data holds one of:
  features.npy + labels.npy   features [N, ...] (float32, or uint8 pixels scaled to [0, 1]) and labels:
                              int64 class indices, or float32 values [N, k] (dataset.json may name them)
  one .csv file               numeric columns, the label last; a header row is optional (as in Netloom)
  <class>/<image> folders     one folder per class, in name order; images are read with Pillow as the
                              model's Input takes them (channels, height, width)
A .csv file can also be given directly.
"""
import csv
import json
import math
import os
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import Dataset

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")


class Examples(Dataset):
    """Examples in memory: features [N, *input_shape] and labels [N] (classes) or [N, k] (values)."""

    workers = 0

    def __init__(self, name: str, x: Tensor, y: Tensor, task: str, classes: Optional[int] = None):
        self.name, self.x, self.y, self.task, self.classes = name, x, y, task, classes

    def __len__(self) -> int:
        return self.x.shape[0]

    def __getitem__(self, i: int) -> Tuple[Tensor, Tensor]:
        return self.x[i], self.y[i]

    def batch(self, indices: Sequence[int]) -> Tuple[Tensor, Tensor]:
        idx = torch.as_tensor(list(indices), dtype=torch.long)
        return self.x[idx], self.y[idx]


class ImageFolder(Dataset):
    """<root>/<class>/<image>: read when asked for, so a large set need not fit in memory."""

    workers = 2
    task = "classification"

    def __init__(self, root: str, input_shape: Sequence[int]):
        from PIL import Image  # only this data kind needs Pillow

        self._image = Image
        if len(input_shape) != 3 or input_shape[0] not in (1, 3):
            raise SystemExit(f"data.py: {root}: image folders need an Input of [1 or 3, height, width]; it takes {list(input_shape)}")
        self.name, self.shape = root, tuple(input_shape)
        names = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
        self.files: List[Tuple[str, int]] = []
        for k, d in enumerate(names):
            for f in sorted(os.listdir(os.path.join(root, d))):
                if f.lower().endswith(IMAGE_SUFFIXES):
                    self.files.append((os.path.join(root, d, f), k))
        self.classes = len(names)
        if not self.files:
            raise SystemExit(f"data.py: {root}: no images in its class folders ({', '.join(names)})")

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int) -> Tuple[Tensor, Tensor]:
        path, label = self.files[i]
        c, h, w = self.shape
        with self._image.open(path) as im:
            im = im.convert("L" if c == 1 else "RGB")
            if im.size != (w, h):
                im = im.resize((w, h), self._image.BILINEAR)
            pixels = np.asarray(im, dtype=np.uint8).reshape(h, w, c)
        return torch.from_numpy(pixels.transpose(2, 0, 1).copy()), torch.tensor(label)

    def batch(self, indices: Sequence[int]) -> Tuple[Tensor, Tensor]:
        items = [self[i] for i in indices]
        return torch.stack([x for x, _ in items]), torch.stack([y for _, y in items])


def _number(cell: str) -> Optional[float]:
    try:
        v = float(cell)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def read_csv(path: str) -> Examples:
    """Netloom's CSV rules: numeric features, the label in the last column; classes when every label is
    an integer or a word (in sorted order), else regression."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = [(n, [c.strip() for c in r]) for n, r in enumerate(csv.reader(f), start=1) if any(c.strip() for c in r)]
    if not rows:
        raise SystemExit(f"data.py: {path}: the file is empty")
    first = rows[0][1]
    has_header = any(_number(c) is None for c in first)
    body = rows[1:] if has_header else rows
    width = len(first)
    if not body:
        raise SystemExit(f"data.py: {path}: there are no data rows after the header")
    if width < 2:
        raise SystemExit(f"data.py: {path}: row {rows[0][0]} has one column; a feature and a label are needed")
    features, labels = [], []
    for n, cells in body:
        if len(cells) != width:
            raise SystemExit(f"data.py: {path}: row {n} has {len(cells)} columns; the first row has {width}")
        values = [_number(c) for c in cells[:-1]]
        bad = [i for i, v in enumerate(values) if v is None]
        if bad:
            raise SystemExit(f"data.py: {path}: row {n}, column {bad[0] + 1}: {cells[bad[0]]!r} is not a number")
        features.append(values)
        labels.append(cells[-1])
    x = torch.tensor(features, dtype=torch.float32)
    numbers = [_number(v) for v in labels]
    numeric = all(v is not None for v in numbers)
    if numeric and not all(float(v).is_integer() for v in numbers):
        return Examples(path, x, torch.tensor(numbers, dtype=torch.float32).unsqueeze(1), "regression")
    keys = [int(v) for v in numbers] if numeric else labels
    classes = sorted(set(keys))
    index = {c: i for i, c in enumerate(classes)}
    return Examples(path, x, torch.tensor([index[k] for k in keys], dtype=torch.long), "classification", len(classes))


def read_arrays(folder: str) -> Examples:
    x = np.load(os.path.join(folder, "features.npy"))
    y = np.load(os.path.join(folder, "labels.npy"))
    about = {}
    if os.path.exists(os.path.join(folder, "dataset.json")):
        with open(os.path.join(folder, "dataset.json"), encoding="utf-8") as f:
            about = json.load(f)
    if x.shape[0] != y.shape[0]:
        raise SystemExit(f"data.py: {folder}: {x.shape[0]} feature rows but {y.shape[0]} labels")
    task = about.get("task", "classification" if np.issubdtype(y.dtype, np.integer) else "regression")
    features = torch.from_numpy(x if x.dtype == np.uint8 else x.astype(np.float32))
    if task == "classification":
        labels = torch.from_numpy(y.astype(np.int64))
        classes = about.get("classes", int(labels.max()) + 1 if len(labels) else 0)
    else:
        labels = torch.from_numpy(y.astype(np.float32))
        labels = labels.unsqueeze(1) if labels.dim() == 1 else labels
        classes = None
    return Examples(about.get("name", folder), features, labels, task, classes)


def load_dataset(location: str, input_shape: Sequence[int]):
    """The examples at 'location', their features viewed in the Input's shape."""
    if location.lower().endswith(".csv") and os.path.isfile(location):
        data = read_csv(location)
    elif not os.path.isdir(location):
        raise SystemExit(f"data.py: {location}: no such folder; give --data DIR (see data.py for what it may hold)")
    elif os.path.exists(os.path.join(location, "features.npy")):
        data = read_arrays(location)
    else:
        tables = sorted(f for f in os.listdir(location) if f.lower().endswith(".csv"))
        if len(tables) == 1:
            data = read_csv(os.path.join(location, tables[0]))
        elif any(os.path.isdir(os.path.join(location, d)) for d in os.listdir(location)):
            return ImageFolder(location, input_shape)
        else:
            raise SystemExit(f"data.py: {location}: holds neither features.npy, one .csv file, nor class folders")
    want = int(np.prod(input_shape))
    have = int(np.prod(data.x.shape[1:]))
    if want != have:
        raise SystemExit(
            f"data.py: {data.name} has {have} features per example {list(data.x.shape[1:])}; "
            f"the model's Input takes {list(input_shape)} ({want})"
        )
    data.x = data.x.reshape(data.x.shape[0], *input_shape)
    return data


class _Mulberry32:
    """Netloom's seeded generator (mulberry32), so the validation split is the one the app makes."""

    def __init__(self, seed: int):
        self.state = (seed & 0xFFFFFFFF) or 0x9E3779B9

    def next(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296


def validation_split(n: int, fraction: float, seed: int) -> Tuple[List[int], List[int]]:
    """Netloom's split: a seeded shuffle, the last 'fraction' (at least one example) held out."""
    rng = _Mulberry32((seed & 0xFFFFFFFF) ^ 0x5EED)
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(rng.next() * (i + 1))
        order[i], order[j] = order[j], order[i]
    held = max(1, math.floor(n * fraction + 0.5))
    return order[: n - held], order[n - held :]
`;

export const safetensorsPy = String.raw`"""Netloom's weights files: the safetensors format (an 8-byte little-endian header length, a JSON
header with each tensor's dtype, shape and byte range, then the raw little-endian data), read and
written without the safetensors package. safetensors.torch.load_file reads the same files."""
import json
import os
import struct
from typing import Dict, Optional

import torch

DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}


def load_file(path: str) -> Dict[str, torch.Tensor]:
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short to be a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: the header claims {n} bytes but the file has {len(raw) - 8}")
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name!r} has dtype {info['dtype']}, which this reader does not know")
        begin, end = info["data_offsets"]
        shape = info["shape"]
        count = 1
        for d in shape:
            count *= d
        size = torch.empty((), dtype=dtype).element_size()
        if end - begin != count * size or end > len(data):
            raise ValueError(f"{path}: tensor {name!r} {shape} does not fit its bytes [{begin}, {end})")
        if count == 0:
            out[name] = torch.empty(shape, dtype=dtype)
        else:
            out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(shape)
    return out


def save_file(tensors: Dict[str, torch.Tensor], path: str, metadata: Optional[Dict[str, str]] = None) -> None:
    """Writes the tensors (in the given order) to a temporary file, then renames it into place."""
    header: Dict[str, object] = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        blob = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * ((8 - (8 + len(head)) % 8) % 8)  # the data starts 8-byte aligned
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for blob in blobs:
            f.write(blob)
    os.replace(path + ".tmp", path)
`;
