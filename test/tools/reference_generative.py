"""PyTorch modules the generative templates (src/templates/generative.ts) are checked against: prints
JSON {template: {group: {"params": N, "shapes": [state_dict shapes in order, buffers included]}}}.
Written from the papers' descriptions as torch code, independently of Netloom's documents."""
import json

import torch
import torch.nn as nn


def dcgan_mnist(nz=64, ngf=32, ndf=32):
    """Radford et al. 2015 at 28x28, 1 channel: 1 -> 7 -> 14 -> 28 up; no batch norm in D."""
    g = nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 2, 7, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False), nn.Sigmoid())
    d = nn.Sequential(
        nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 2, 1, 7, 1, 0, bias=False), nn.Flatten())
    return {"generator": g, "discriminator": d}


class CondG(nn.Module):
    def __init__(self, nz=64, classes=10):
        super().__init__()
        self.embed = nn.Embedding(classes, classes)
        self.net = nn.Sequential(nn.Linear(nz + classes, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.2),
                                 nn.Linear(256, 512), nn.BatchNorm1d(512), nn.LeakyReLU(0.2),
                                 nn.Linear(512, 784), nn.Sigmoid())


class CondD(nn.Module):
    """784 -> 256 features -> 10 class logits; (features, label's vector) -> a real/fake logit."""

    def __init__(self, classes=10):
        super().__init__()
        self.embed = nn.Embedding(classes, classes)
        self.features = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Dropout(0.3))
        self.cls = nn.Linear(256, classes)
        self.adv = nn.Linear(256 + classes, 1)


def cgan_mnist():
    """Mirza & Osindero 2014 with a label embedding in G and in D, and Odena et al. 2017's auxiliary
    classifier head in D."""
    return {"generator": CondG(), "discriminator": CondD()}


class VAEEncoder(nn.Module):
    """The PyTorch example's VAE encoder (fc1, fc21 for mu, fc22 for logvar)."""

    def __init__(self, latent):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, latent)
        self.fc22 = nn.Linear(400, latent)


def vae(latent):
    return {"encoder": VAEEncoder(latent), "decoder": nn.Sequential(nn.Linear(latent, 400), nn.ReLU(), nn.Linear(400, 784))}


def conv_autoencoder():
    enc = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU())
    dec = nn.Sequential(nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(16, 1, 4, 2, 1), nn.Sigmoid())
    return {"encoder": enc, "decoder": dec}


class GPTMini(nn.Module):
    """Radford et al. 2018 in miniature (GPT-2's pre-norm block): token and learned position
    embeddings, causal pre-norm blocks with a GELU feed-forward, final LayerNorm, linear head."""

    def __init__(self, vocab=96, context=64, d=64, heads=4, layers=2):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(context, d)
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(d, heads, 4 * d, 0.1, activation="gelu", batch_first=True, norm_first=True)
            for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, tokens):
        length = tokens.shape[1]
        x = self.wte(tokens) + self.wpe(torch.arange(length))
        mask = torch.triu(torch.full((length, length), float("-inf")), diagonal=1)
        for block in self.blocks:
            x = block(x, src_mask=mask)
        return self.head(self.ln_f(x))


def gpt_mini():
    return {"gpt": GPTMini()}


def describe(groups):
    return {
        name: {
            "params": sum(p.numel() for p in m.parameters()),
            "shapes": [list(v.shape) for k, v in m.state_dict().items() if not k.endswith("num_batches_tracked")],
        }
        for name, m in groups.items()
    }


def main():
    print(json.dumps({
        "dcgan-mnist": describe(dcgan_mnist()),
        "cgan-mnist": describe(cgan_mnist()),
        "conv-autoencoder": describe(conv_autoencoder()),
        "denoising-autoencoder": describe(conv_autoencoder()),
        "gpt-mini": describe(gpt_mini()),
        "vae": describe(vae(20)),
        "vae-2d": describe(vae(2)),
    }))


if __name__ == "__main__":
    main()
