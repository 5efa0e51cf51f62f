# SPDX-License-Identifier: GPL-2.0-only
"""m3's model (m3-method.md section 5), sized to a CPU budget.

Design. Input: one foreground token [B, D] and up to 6 link tokens [B, 6, D]
with a validity mask [B, 6] (valid links first: n - 1 of them). The token
layout is the schema's (model/core/m3.h, "features"): per input bucket 100
values log(flowSim slowdown), then one count value per bucket
(log10(1 + flows) / 5, 0 = empty), then F scalar fields. An empty bucket's
100 values are replaced by a learned 100-vector of that input bucket (shared
by the foreground and link tokens). Link tokens -> Linear(D -> d_model) ->
L pre-norm transformer layers (RMSNorm, rotary positions, causal attention
with H heads, SwiGLU FFN) -> final RMSNorm -> mean over the valid links =
context. An MLP (ReLU, dropout) maps [foreground token ++ context] to 4 x 100
raw values z. Output parametrisation: monotone quantiles of log slowdown,
    q[b, 0] = softplus(z[b, 0]),  q[b, k] = q[b, k-1] + softplus(z[b, k]),
slowdown = exp(q) >= 1, non-decreasing in k (m3-method.md section 6 needs
monotone quantile functions for its exact mixture). The last layer's bias
starts so that the first prediction is a plausible, gently rising curve.

Everything is written by hand (no nn.RMSNorm, no scaled_dot_product_attention)
so that it runs and scripts unchanged on PyTorch 1.13 (Debian, CPU, where
libtorch loads the TorchScript checkpoint) and on PyTorch 2.x (training on
the GPU). Causal attention over valid-first tokens means padded positions
never influence valid ones; keys of padded links are masked as well.

Cost. Per path: Linear D x d_model per link, L x (4 d^2 + 3 d f) per link
for the transformer (6 links, attention over 6 positions is negligible),
and the MLP ((D + d) h + h^2 + 400 h). SIZES lists the named sizes; their
parameter counts and libtorch CPU times for 500 paths are in gen/README.md.
"""
import math
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

IN_BUCKETS = 10
PCTS = 100
OUT_BUCKETS = 4
MAX_LINKS = 6

# Named sizes: d_model, layers, heads, ffn (SwiGLU hidden), mlp (hidden width).
SIZES: Dict[str, Dict[str, int]] = {
    "tiny": dict(d_model=64, layers=1, heads=2, ffn=128, mlp=128),
    "small": dict(d_model=128, layers=2, heads=4, ffn=384, mlp=256),
    "medium": dict(d_model=256, layers=3, heads=4, ffn=768, mlp=512),
    # m3's own size (~18 M parameters): a reference, over the CPU budget.
    "m3": dict(d_model=576, layers=4, heads=4, ffn=1536, mlp=512),
}


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Attention(nn.Module):
    """Causal multi-head self-attention with rotary positions."""

    def __init__(self, d_model: int, heads: int, max_len: int, dropout: float):
        super().__init__()
        assert d_model % heads == 0
        self.heads = heads
        self.head_dim = d_model // heads
        assert self.head_dim % 2 == 0
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.proj = nn.Linear(d_model, d_model, bias=False)
        self.drop = nn.Dropout(dropout)
        half = self.head_dim // 2
        inv = 1.0 / (10000.0 ** (torch.arange(half, dtype=torch.float32) / half))
        ang = torch.arange(max_len, dtype=torch.float32)[:, None] * inv[None, :]
        self.register_buffer("cos", torch.cos(ang), persistent=False)  # [T, half]
        self.register_buffer("sin", torch.sin(ang), persistent=False)
        causal = torch.tril(torch.ones(max_len, max_len)).bool()
        self.register_buffer("causal", causal, persistent=False)

    def rotate(self, x: torch.Tensor, t: int) -> torch.Tensor:
        # x [B, H, T, hd]: rotate pairs (first half, second half) by position.
        half = self.head_dim // 2
        x1 = x[..., :half]
        x2 = x[..., half:]
        c = self.cos[:t]
        s = self.sin[:t]
        return torch.cat([x1 * c - x2 * s, x1 * s + x2 * c], dim=-1)

    def forward(self, x: torch.Tensor, key_ok: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        qkv = self.qkv(x).view(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q = self.rotate(qkv[0], t)
        k = self.rotate(qkv[1], t)
        v = qkv[2]
        scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
        # allowed[b, i, j]: j <= i and link j valid, or j == i (never an empty row)
        eye = torch.eye(t, dtype=torch.bool, device=x.device)
        allowed = (self.causal[:t, :t].unsqueeze(0) & key_ok.unsqueeze(1)) | eye.unsqueeze(0)
        scores = scores.masked_fill(~allowed.unsqueeze(1), -1e9)
        att = torch.softmax(scores, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, d)
        return self.drop(self.proj(y))


class SwiGLU(nn.Module):
    def __init__(self, d_model: int, hidden: int, dropout: float):
        super().__init__()
        self.w_gate = nn.Linear(d_model, hidden, bias=False)
        self.w_up = nn.Linear(d_model, hidden, bias=False)
        self.w_down = nn.Linear(hidden, d_model, bias=False)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.w_down(F.silu(self.w_gate(x)) * self.w_up(x)))


class Block(nn.Module):
    def __init__(self, d_model: int, heads: int, ffn: int, max_len: int, dropout: float):
        super().__init__()
        self.norm1 = RMSNorm(d_model)
        self.attn = Attention(d_model, heads, max_len, dropout)
        self.norm2 = RMSNorm(d_model)
        self.ffn = SwiGLU(d_model, ffn, dropout)

    def forward(self, x: torch.Tensor, key_ok: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), key_ok)
        return x + self.ffn(self.norm2(x))


class M3Model(nn.Module):
    def __init__(self, token_dim: int, d_model: int = 128, layers: int = 2, heads: int = 4,
                 ffn: int = 384, mlp: int = 256, dropout: float = 0.2,
                 in_buckets: int = IN_BUCKETS, pcts: int = PCTS,
                 out_buckets: int = OUT_BUCKETS, max_links: int = MAX_LINKS):
        super().__init__()
        self.token_dim = token_dim
        self.in_buckets = in_buckets
        self.pcts = pcts
        self.out_buckets = out_buckets
        self.n_pct = in_buckets * pcts
        assert token_dim > self.n_pct + in_buckets
        self.empty_fill = nn.Parameter(torch.zeros(in_buckets, pcts))
        self.embed = nn.Linear(token_dim, d_model)
        self.blocks = nn.ModuleList(
            [Block(d_model, heads, ffn, max_links, dropout) for _ in range(layers)])
        self.norm = RMSNorm(d_model)
        self.head = nn.Sequential(
            nn.Linear(token_dim + d_model, mlp), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(mlp, mlp), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(mlp, out_buckets * pcts))
        with torch.no_grad():
            last = self.head[6]
            last.weight.mul_(0.1)
            bias = torch.full((out_buckets, pcts), -4.5)  # softplus ~ 0.011 per step
            bias[:, 0] = -1.5                             # p1 ~ exp(0.2)
            last.bias.copy_(bias.reshape(-1))

    def fill_empty(self, tok: torch.Tensor) -> torch.Tensor:
        """Replaces each empty bucket's percentile values with the learned vector."""
        shape = tok.shape
        x = tok.reshape(-1, self.token_dim)
        pct = x[:, : self.n_pct].reshape(-1, self.in_buckets, self.pcts)
        empty = (x[:, self.n_pct: self.n_pct + self.in_buckets] <= 0).unsqueeze(-1)
        pct = torch.where(empty, self.empty_fill.unsqueeze(0).expand_as(pct), pct)
        x = torch.cat([pct.reshape(-1, self.n_pct), x[:, self.n_pct:]], dim=1)
        return x.reshape(shape)

    def forward(self, fg: torch.Tensor, links: torch.Tensor,
                link_mask: torch.Tensor) -> torch.Tensor:
        ok = link_mask > 0 if link_mask.dtype != torch.bool else link_mask
        fg = self.fill_empty(fg)
        h = self.embed(self.fill_empty(links))
        for blk in self.blocks:
            h = blk(h, ok)
        h = self.norm(h)
        m = ok.to(h.dtype).unsqueeze(-1)
        ctx = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        z = self.head(torch.cat([fg, ctx], dim=1)).view(-1, self.out_buckets, self.pcts)
        q = torch.cumsum(F.softplus(z), dim=-1)
        return torch.exp(q.clamp(max=15.0))


def build(token_dim: int, size: str = "small", dropout: float = 0.2, **over) -> M3Model:
    hp = dict(SIZES[size])
    hp.update(over)
    return M3Model(token_dim, dropout=dropout, **hp)


def param_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def relative_l1(pred: torch.Tensor, target: torch.Tensor, count: torch.Tensor,
                pct_weight: Optional[torch.Tensor] = None) -> torch.Tensor:
    """m3's loss: mean over non-empty output buckets of mean_k |pred / true - 1|;
    with pct_weight [P] (sums to P), a weighted mean over the percentiles."""
    ok = count > 0
    t = torch.where(ok.unsqueeze(-1), target, torch.ones_like(target))
    rel = (pred / t - 1.0).abs()
    per = (rel * pct_weight).mean(-1) if pct_weight is not None else rel.mean(-1)
    okf = ok.to(per.dtype)
    return (per * okf).sum() / okf.sum().clamp(min=1.0)
