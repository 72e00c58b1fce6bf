#!/usr/bin/python3
"""PyTorch eager counterpart of `Star1.Bench model`: forward+backward tokens/s of the same configuration.

Run by the .NET benchmark as a child process (it passes the configuration as JSON and the thread count);
can also be run by hand:  /usr/bin/python3 bench/model_bench.py '<config json>' <threads> <batch> <seq> <warmup> <iters>
Attention is written out (softmax of masked scores), as transformers' "eager" implementation does:
Debian's PyTorch 1.13 predates scaled_dot_product_attention. Prints one JSON line.
Debian's python3-torch does its matrix products through whichever libblas.so.3 is selected: with only the
reference BLAS it runs about 5x slower than with OpenBLAS (apt-get install libopenblas0-pthread).
"""
import json
import math
import sys
import time

import torch
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        x32 = x.float()
        return self.weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, self.nh, self.nkv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
        self.d = h // self.nh
        self.q_proj = nn.Linear(h, self.nh * self.d, bias=True)
        self.k_proj = nn.Linear(h, self.nkv * self.d, bias=True)
        self.v_proj = nn.Linear(h, self.nkv * self.d, bias=True)
        self.o_proj = nn.Linear(self.nh * self.d, h, bias=False)
        self.gate_proj = nn.Linear(h, c["intermediate_size"], bias=False)
        self.up_proj = nn.Linear(h, c["intermediate_size"], bias=False)
        self.down_proj = nn.Linear(c["intermediate_size"], h, bias=False)
        self.input_layernorm = RMSNorm(h, c["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(h, c["rms_norm_eps"])

    def forward(self, x, cos, sin, causal):
        b, t, _ = x.shape
        a = self.input_layernorm(x)
        q = self.q_proj(a).view(b, t, self.nh, self.d).transpose(1, 2)
        k = self.k_proj(a).view(b, t, self.nkv, self.d).transpose(1, 2)
        v = self.v_proj(a).view(b, t, self.nkv, self.d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(self.nh // self.nkv, dim=1)
        v = v.repeat_interleave(self.nh // self.nkv, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.d)
        att = torch.softmax(scores.masked_fill(~causal, float("-inf")), dim=-1) @ v
        x = x + self.o_proj(att.transpose(1, 2).reshape(b, t, -1))
        m = self.post_attention_layernorm(x)
        return x + self.down_proj(nn.functional.silu(self.gate_proj(m)) * self.up_proj(m))


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        d = c["hidden_size"] // c["num_attention_heads"]
        self.inv_freq = 1.0 / (c["rope_theta"] ** (torch.arange(0, d, 2).float() / d))

    def forward(self, ids):
        t = ids.shape[1]
        freqs = torch.outer(torch.arange(t).float(), self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, causal)
        return self.norm(x) @ self.embed_tokens.weight.T   # tied head


def main():
    config = json.loads(sys.argv[1])
    threads, batch, seq, warmup, iters = (int(a) for a in sys.argv[2:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Model(config)
    ids = torch.randint(0, config["vocab_size"], (batch, seq))
    times = []
    for i in range(warmup + iters):
        start = time.perf_counter()
        logits = model(ids)
        loss = nn.functional.cross_entropy(logits[:, :-1].reshape(-1, config["vocab_size"]), ids[:, 1:].reshape(-1))
        loss.backward()
        model.zero_grad(set_to_none=True)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    best = min(times)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "seconds_best": best, "seconds_median": sorted(times)[len(times) // 2],
                      "tokens_per_s": batch * seq / best}))


if __name__ == "__main__":
    main()
