// Small Python definitions a generated file carries only when a layer asks for them: the modules
// torch.nn does not have under these names, and the few functions whose arithmetic must be
// Netloom's exactly. Network helpers live in model.py (train.py imports them); loss helpers in train.py.

export type HelperName =
  | 'reparameterize'
  | 'causal_mask'
  | 'SeparableConv2d'
  | 'SinusoidalPositionalEncoding'
  | 'LearnedPositionalEncoding'
  | 'normal_init'
  | 'noise'
  | 'gaussian_noise'
  | 'timestep_embedding'
  | 'binary_cross_entropy'
  | 'gaussian_kl'
  | 'OnnxWeights';

export interface Helper {
  readonly home: 'model' | 'train';
  /** Modules the definition needs beyond torch, nn and F. */
  readonly imports?: readonly string[];
  readonly code: string;
}

export const helpers: Readonly<Record<HelperName, Helper>> = {
  reparameterize: {
    home: 'model',
    code: `def reparameterize(mu: Tensor, logvar: Tensor, sample: bool) -> Tensor:
    """z = mu + sigma * eps with eps ~ N(0, 1) (Kingma & Welling 2014, "Auto-Encoding Variational
    Bayes"); z = mu when not sampling (evaluation)."""
    if not sample:
        return mu
    std = torch.exp(0.5 * logvar)
    return mu + std * torch.randn_like(std)`,
  },
  causal_mask: {
    home: 'model',
    code: `def causal_mask(length: int, device: torch.device) -> Tensor:
    """Additive attention mask: position i sees positions <= i (0 there, -inf after)."""
    return torch.triu(torch.full((length, length), float("-inf"), device=device), diagonal=1)`,
  },
  SeparableConv2d: {
    home: 'model',
    code: `class SeparableConv2d(nn.Module):
    """A depthwise k x k convolution per channel, then a pointwise 1 x 1 convolution that mixes the
    channels (Chollet 2017, "Xception")."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, bias=True):
        super().__init__()
        self.depthwise = nn.Conv2d(
            in_channels, in_channels, kernel_size, stride, padding, dilation, groups=in_channels, bias=False
        )
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=bias)

    def forward(self, x: Tensor) -> Tensor:
        return self.pointwise(self.depthwise(x))`,
  },
  SinusoidalPositionalEncoding: {
    home: 'model',
    imports: ['math'],
    code: `class SinusoidalPositionalEncoding(nn.Module):
    """Adds the fixed sin/cos table of Vaswani et al. 2017 ("Attention Is All You Need", 3.5) to
    [N, L, D], as the PyTorch tutorial builds it. The table is a buffer, not a weight, and is left
    out of the state_dict."""

    def __init__(self, dim: int, max_len: int):
        super().__init__()
        # Computed in double precision, as Netloom does, then stored as float32.
        position = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, dim, 2, dtype=torch.float64) * (-math.log(10000.0) / dim))
        pe = torch.zeros(max_len, dim, dtype=torch.float64)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term[: dim // 2])
        self.register_buffer("pe", pe.float(), persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.pe[: x.size(1)]`,
  },
  LearnedPositionalEncoding: {
    home: 'model',
    code: `class LearnedPositionalEncoding(nn.Module):
    """Adds a learned vector per position to [N, L, D]; initialised from N(0, 0.02^2) as GPT-2
    does (torch.nn has no module for it)."""

    def __init__(self, max_len: int, dim: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(max_len, dim))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.weight[: x.size(1)]`,
  },
  normal_init: {
    home: 'model',
    code: `def normal_init(module: nn.Module, std: float) -> nn.Module:
    """Draws the module's weight from N(0, std^2), as Netloom's layer does (GPT-2 starts its
    embedding tables at std 0.02; nn.Embedding's own draw is N(0, 1))."""
    nn.init.normal_(module.weight, std=std)
    return module`,
  },
  gaussian_noise: {
    home: 'model',
    code: `def gaussian_noise(x: Tensor, std: float, training: bool) -> Tensor:
    """x + N(0, std^2) noise while training (a denoising autoencoder's corruption); x otherwise."""
    return x + std * torch.randn_like(x) if training else x`,
  },
  timestep_embedding: {
    home: 'model',
    imports: ['math'],
    code: `def timestep_embedding(t: Tensor, dim: int) -> Tensor:
    """A diffusion step per example as the sinusoidal vector of Vaswani et al. 2017 (sin on even,
    cos on odd columns; Ho et al. 2020 embed t so): [N] -> [N, dim]."""
    freqs = torch.exp(torch.arange(0, dim, 2, dtype=torch.float64, device=t.device) * (-math.log(10000.0) / dim))
    angles = t.float().unsqueeze(1) * freqs.float().unsqueeze(0)
    return torch.stack([torch.sin(angles), torch.cos(angles)], dim=2).reshape(t.shape[0], dim)`,
  },
  noise: {
    home: 'train',
    code: `def noise(*shape: int, device: torch.device) -> Tensor:
    """Standard normal noise for a random input (a generator's z); one place to seed or replace it."""
    return torch.randn(*shape, device=device)`,
  },
  binary_cross_entropy: {
    home: 'train',
    code: `def binary_cross_entropy(p: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy as Netloom computes it: the probability is clamped to >= 1e-12 inside
    each log, so a saturated sigmoid gives a finite loss and gradient. (F.binary_cross_entropy
    clamps the log at -100 instead; the two agree wherever log p > log 1e-12.)"""
    tiny = 1e-12
    loss = -(target * torch.log(p.clamp_min(tiny)) + (1 - target) * torch.log((1 - p).clamp_min(tiny)))
    return loss.sum() if reduction == "sum" else loss.mean()`,
  },
  OnnxWeights: {
    home: 'model',
    code: `class OnnxWeights(nn.Module):
    """The weights of an ONNX op node (part of an imported model no torch.nn layer describes),
    under the node's own names: trained parameters, and buffers such as running statistics."""

    def __init__(self, params: dict, buffers: dict):
        super().__init__()
        for name, shape in params.items():
            self.register_parameter(name, nn.Parameter(torch.zeros(shape)))
        for name, shape in buffers.items():
            self.register_buffer(name, torch.zeros(shape))`,
  },
  gaussian_kl: {
    home: 'train',
    code: `def gaussian_kl(mu: Tensor, logvar: Tensor) -> Tensor:
    """KL(N(mu, sigma^2) || N(0, 1)) summed over the latent axis, averaged over the batch
    (Kingma & Welling 2014, appendix B)."""
    return -0.5 * torch.mean(torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))`,
  },
};
