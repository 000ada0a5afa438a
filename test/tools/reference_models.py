"""Reference architectures from torch, for the template tests: prints JSON
{"zoo": {template: {"shapes": {key: shape}, "params": N}}, "dcgan": {"generator": N, ...}}
(state_dict shapes without num_batches_tracked, and parameter counts). The zoo is torchvision's
models with random weights (nothing downloaded); DCGAN is the PyTorch example's
(examples/dcgan/main.py) with nz=100, ngf=ndf=64, nc=3."""
import contextlib
import json

import torch.nn as nn
import torch.nn.init
import torchvision


def dcgan(nz=100, ngf=64, ndf=64, nc=3):
    g = nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid())
    return g, d


# Netloom template name → torchvision constructor (GoogLeNet without its auxiliary heads).
ZOO = {
    "resnet18": lambda: torchvision.models.resnet18(),
    "resnet34": lambda: torchvision.models.resnet34(),
    "resnet50": lambda: torchvision.models.resnet50(),
    "alexnet": lambda: torchvision.models.alexnet(),
    "vgg16": lambda: torchvision.models.vgg16(),
    "googlenet": lambda: torchvision.models.googlenet(aux_logits=False, init_weights=False),
    "mobilenet-v2": lambda: torchvision.models.mobilenet_v2(),
}


@contextlib.contextmanager
def without_initial_values():
    """Shapes and counts need no values: skipping torch's initialisation (VGG-16 alone draws 138 M
    numbers) makes the reference several times faster. The tensors are left as allocated."""
    names = [n for n in dir(torch.nn.init) if n.endswith("_") and not n.startswith("_")]
    saved = {n: getattr(torch.nn.init, n) for n in names}
    try:
        for n in names:
            setattr(torch.nn.init, n, lambda tensor, *args, **kwargs: tensor)
        yield
    finally:
        for n, f in saved.items():
            setattr(torch.nn.init, n, f)


def shapes(m):
    return {k: list(v.shape) for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")}


def count(m):
    return sum(p.numel() for p in m.parameters())


def main():
    with without_initial_values():
        g, d = dcgan()
        zoo = {}
        for name, make in ZOO.items():
            m = make()
            zoo[name] = {"shapes": shapes(m), "params": count(m)}
            del m
    print(json.dumps({
        "zoo": zoo,
        "dcgan": {"generator": count(g), "discriminator": count(d),
                  "generatorShapes": [list(v.shape) for k, v in g.state_dict().items() if not k.endswith("num_batches_tracked")],
                  "discriminatorShapes": [list(v.shape) for k, v in d.state_dict().items() if not k.endswith("num_batches_tracked")]},
    }))


if __name__ == "__main__":
    main()
