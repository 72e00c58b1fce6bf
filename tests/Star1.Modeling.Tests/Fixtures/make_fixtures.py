#!/usr/bin/python3
"""Reference logits for the modeling tests, computed by an independent plain-PyTorch forward pass.

Regenerate (Debian 12: apt-get install python3-torch, which is PyTorch 1.13; no transformers needed):

    /usr/bin/python3 tests/Star1.Modeling.Tests/Fixtures/make_fixtures.py

It writes, for a tiny random Qwen2 and a tiny random Llama (GQA, llama3 rope scaling):
  <name>/config.json, <name>/model.safetensors   weights (float32), Hugging Face tensor names
  <name>/expected.safetensors                     input_ids, attention_mask (row 1 left-padded),
                                                  logits (zeros at padded positions), inv_freq
The forward pass follows the Hugging Face definitions (modeling_qwen2.py / modeling_llama.py), written
out here by hand: RMSNorm in float32, rotate_half RoPE, repeat_kv for GQA, softmax attention with an
explicit causal mask, SwiGLU MLP. Each row is computed on its own without padding, so the C# batched,
left-padded forward is checked against the unpadded truth.
"""
import json
import math
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

CONFIGS = {
    "qwen2": {
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2",
        "vocab_size": 96, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
        "max_position_embeddings": 128, "tie_word_embeddings": True, "torch_dtype": "float32",
        "use_sliding_window": False, "bos_token_id": 1, "eos_token_id": 2, "initializer_range": 0.02,
    },
    "llama": {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "vocab_size": 80, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 1, "rms_norm_eps": 1e-5, "rope_theta": 100.0,
        # Tiny numbers so that the three llama3 cases (kept, blended, divided) all occur with head_dim 8.
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                         "high_freq_factor": 4.0, "original_max_position_embeddings": 32},
        "max_position_embeddings": 256, "tie_word_embeddings": False, "attention_bias": False,
        "torch_dtype": "float32", "bos_token_id": 1, "eos_token_id": [2, 3], "initializer_range": 0.02,
    },
}


def inv_freq(c):
    d = c["hidden_size"] // c["num_attention_heads"]
    f = 1.0 / (c["rope_theta"] ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    rs = c.get("rope_scaling")
    if rs and rs["rope_type"] == "llama3":
        factor, low, high = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / f
        scaled = torch.where(wavelen > low_wavelen, f / factor, f)
        smooth = (old / wavelen - low) / (high - low)
        blended = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) & ~(wavelen > low_wavelen)
        f = torch.where(medium, blended, scaled)
    return f


def weights(c, gen):
    h, i, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    d = h // c["num_attention_heads"]
    kv = c["num_key_value_heads"] * d
    bias = c["model_type"] == "qwen2" or c.get("attention_bias", False)
    w = {"model.embed_tokens.weight": torch.randn(v, h, generator=gen) * 0.5}
    for n in range(c["num_hidden_layers"]):
        p = f"model.layers.{n}."
        w[p + "self_attn.q_proj.weight"] = torch.randn(h, h, generator=gen) * 0.2
        w[p + "self_attn.k_proj.weight"] = torch.randn(kv, h, generator=gen) * 0.2
        w[p + "self_attn.v_proj.weight"] = torch.randn(kv, h, generator=gen) * 0.2
        if bias:
            w[p + "self_attn.q_proj.bias"] = torch.randn(h, generator=gen) * 0.1
            w[p + "self_attn.k_proj.bias"] = torch.randn(kv, generator=gen) * 0.1
            w[p + "self_attn.v_proj.bias"] = torch.randn(kv, generator=gen) * 0.1
        w[p + "self_attn.o_proj.weight"] = torch.randn(h, h, generator=gen) * 0.2
        w[p + "mlp.gate_proj.weight"] = torch.randn(i, h, generator=gen) * 0.2
        w[p + "mlp.up_proj.weight"] = torch.randn(i, h, generator=gen) * 0.2
        w[p + "mlp.down_proj.weight"] = torch.randn(h, i, generator=gen) * 0.2
        # Norm weights away from 1 so a missing scale would show.
        w[p + "input_layernorm.weight"] = 1 + torch.randn(h, generator=gen) * 0.1
        w[p + "post_attention_layernorm.weight"] = 1 + torch.randn(h, generator=gen) * 0.1
    w["model.norm.weight"] = 1 + torch.randn(h, generator=gen) * 0.1
    if not c["tie_word_embeddings"]:
        w["lm_head.weight"] = torch.randn(v, h, generator=gen) * 0.2
    return w


def rms_norm(x, weight, eps):
    x32 = x.float()
    x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return weight * x32.to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(c, w, ids):
    """Logits [T, V] for one unpadded sequence of token ids [T]."""
    h, nh, nkv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    d = h // nh
    t = ids.shape[0]
    x = w["model.embed_tokens.weight"][ids]                       # [T, H]
    pos = torch.arange(t).float()
    freqs = torch.outer(pos, inv_freq(c))                          # [T, D/2]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()                                # [T, D]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for n in range(c["num_hidden_layers"]):
        p = f"model.layers.{n}."

        def lin(name, inp):
            out = inp @ w[p + name + ".weight"].T
            b = w.get(p + name + ".bias")
            return out if b is None else out + b

        a = rms_norm(x, w[p + "input_layernorm.weight"], c["rms_norm_eps"])
        q = lin("self_attn.q_proj", a).view(t, nh, d).transpose(0, 1)     # [nh, T, D]
        k = lin("self_attn.k_proj", a).view(t, nkv, d).transpose(0, 1)
        v = lin("self_attn.v_proj", a).view(t, nkv, d).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(nh // nkv, dim=0)
        v = v.repeat_interleave(nh // nkv, dim=0)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d)
        scores = scores.masked_fill(~causal, float("-inf"))
        att = torch.softmax(scores, dim=-1) @ v                              # [nh, T, D]
        x = x + lin("self_attn.o_proj", att.transpose(0, 1).reshape(t, h))
        m = rms_norm(x, w[p + "post_attention_layernorm.weight"], c["rms_norm_eps"])
        gate = torch.nn.functional.silu(lin("mlp.gate_proj", m))
        x = x + lin("mlp.down_proj", gate * lin("mlp.up_proj", m))
    x = rms_norm(x, w["model.norm.weight"], c["rms_norm_eps"])
    head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save_safetensors(path, tensors):
    """The safetensors layout, written by hand (Debian has no safetensors package)."""
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def main():
    for seed, (name, c) in enumerate(CONFIGS.items()):
        gen = torch.Generator().manual_seed(1234 + seed)
        w = weights(c, gen)
        folder = os.path.join(HERE, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(c, f, indent=2)
            f.write("\n")
        save_safetensors(os.path.join(folder, "model.safetensors"), w)

        t, pad = 7, 3
        ids = torch.randint(4, c["vocab_size"], (2, t), generator=gen)
        mask = torch.ones(2, t, dtype=torch.int64)
        mask[1, :pad] = 0
        ids[1, :pad] = 0
        logits = torch.zeros(2, t, c["vocab_size"])
        with torch.no_grad():
            logits[0] = forward(c, w, ids[0])
            logits[1, pad:] = forward(c, w, ids[1, pad:])
        save_safetensors(os.path.join(folder, "expected.safetensors"),
                         {"input_ids": ids, "attention_mask": mask, "logits": logits, "inv_freq": inv_freq(c)})
        print(name, "written; logits[0,0,:4] =", logits[0, 0, :4].tolist())


if __name__ == "__main__":
    main()
