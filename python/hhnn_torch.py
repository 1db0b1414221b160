"""hhnn checkpoints in PyTorch (needs only torch and numpy).

    import hhnn_torch
    model, config = hhnn_torch.load("runs/<timestamp>/checkpoint")   # a checkpoint folder, or one save in it
    logits = model(x)                                                  # x: (batch, in_features) float32, eval mode
    hhnn_torch.save(model, config, "edited")                           # a checkpoint hhnn's `eval` and `predict` read

`load` rebuilds the model family the checkpoint's config.json names (mlp, cnn, densenet, lstm, hhnn, and the language
models awd-lstm and awd-lstm-mod, which take token ids (steps, batch) and give logits (steps*batch, vocab)) as torch.nn
modules whose state_dict names are hhnn's own (`model.<name>` in model.safetensors, without the prefix), so
`model.state_dict()` and the file line up name for name. Two differences, mapped both ways here:
  * hhnn's LSTM has one bias per gate (`lstm.bias`); PyTorch's nn.LSTM has two (`lstm.bias_ih_l0`, `lstm.bias_hh_l0`):
    loading puts hhnn's bias in bias_ih_l0 and zeros in bias_hh_l0; saving writes their sum. `weight_ih`/`weight_hh`
    become nn.LSTM's `weight_ih_l0`/`weight_hh_l0` (same layout: gate blocks i, f, g, o).
  * PyTorch's BatchNorm counts batches (`num_batches_tracked`); hhnn does not keep it.
The language models keep awd-lstm-lm's names (`encoder.weight`, `rnns.<l>.weight_ih`/`weight_hh`, `decoder.bias`; the
tied decoder weight is encoder.weight) with hhnn's one bias per gate (`rnns.<l>.bias`), in LstmLayer written here; a
run whose NT-ASGD averaging is on loads its averages (`asgd.*`), the weights hhnn's eval tests with.
The HH layer is written here in PyTorch from DESIGN.md "HH layer: the exact model" (float64 inside, like hhnn's
reference backend), for the readouts `neuron` and `dense`, with or without trained conductances; lateral inhibition,
feedback, Hebbian plasticity and the rate readouts are not rebuilt (load says so).

Safetensors files are read and written here with numpy (no `safetensors` package needed); hhnn reads F32, F16, BF16,
F64 and integer tensors, so `save(..., dtype=torch.float64)` is fine too.
"""
import hashlib
import json
import os
import struct

import numpy as np
import torch
from torch import nn

__all__ = ["load", "save", "build", "load_state_dict", "read_safetensors", "write_safetensors", "checkpoint_dir"]

MODEL_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
SHA_KEY = "model_sha256"   # Checkpoint.SHA_KEY: the SHA-256 (hex) of model.safetensors

_NP = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32, "I16": np.int16,
       "I8": np.int8, "U8": np.uint8, "U16": np.uint16, "U32": np.uint32, "U64": np.uint64, "BOOL": np.bool_}
_NAME = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64",
         torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}


# ---- safetensors ------------------------------------------------------------------------------------------------------

def read_safetensors(path):
    """Every tensor of a safetensors file, in file order, as torch tensors of the stored dtype."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, end = e["data_offsets"]
        raw = data[base + begin:base + end]
        if e["dtype"] == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            t = torch.from_numpy(bits.view(np.float32).copy()).to(torch.bfloat16)
        else:
            t = torch.from_numpy(np.frombuffer(raw, dtype=np.dtype(_NP[e["dtype"]]).newbyteorder("<")).copy())
        out[name] = t.reshape(e["shape"])
    return out


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} (contiguous, little-endian, 8-byte aligned header) to path, replacing it atomically."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype == torch.bfloat16:
            raw = (t.float().numpy().view(np.uint32) >> 16).astype("<u2").tobytes()
        else:
            raw = t.numpy().astype(np.dtype(t.numpy().dtype).newbyteorder("<")).tobytes()
        header[name] = {"dtype": _NAME[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def checkpoint_dir(path):
    """The folder holding model.safetensors: path itself, or the save its `latest` file names."""
    if os.path.isfile(os.path.join(path, MODEL_FILE)):
        return path
    latest = os.path.join(path, "latest")
    if os.path.isfile(latest):
        with open(latest) as f:
            return os.path.join(path, f.read().strip())
    raise FileNotFoundError("%s is not an hhnn checkpoint: it has neither %s nor a 'latest' file" % (path, MODEL_FILE))


# ---- building blocks --------------------------------------------------------------------------------------------------

_ACT = {"identity": nn.Identity, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "tanhshrink": nn.Tanhshrink,
        "softplus": nn.Softplus}


def _act(name):
    if name.lower() not in _ACT:
        raise NotImplementedError("activation '%s' is not rebuilt in PyTorch" % name)
    return _ACT[name.lower()]()


class Standardize(nn.Module):
    """hhnn's fixed input scaling: x * (1/std) + (-mean/std), the constants in float32 as hhnn computes them."""

    def __init__(self, mean, std):
        super().__init__()
        self.scale = float(np.float32(1) / np.float32(std))
        self.shift = float(np.float32(-np.float32(mean) / np.float32(std)))

    def forward(self, x):
        return x * self.scale + self.shift


class Reshape(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3), keepdim=True)


def _standardize(seq, c):
    mean, std = c.get("input_mean", 0.0), c.get("input_std", 1.0)
    if np.float32(mean) != 0 or np.float32(std) != 1:
        seq.append(Standardize(mean, std))


def _mlp(c):
    layers, prev = [], c["in_features"]
    _standardize(layers, c)
    for h in c["hidden"]:
        layers += [nn.Linear(prev, h), _act(c["activation"])]
        if c["dropout"] > 0:
            layers.append(nn.Dropout(c["dropout"]))
        prev = h
    layers.append(nn.Linear(prev, c["classes"]))
    return nn.Sequential(*layers)


def _cnn(c):
    ch, h, w = c["channels"], c["height"], c["width"]
    layers = []
    _standardize(layers, c)
    layers.append(Reshape(ch, h, w))
    prev = ch
    for filters in (32, 64):
        layers.append(nn.Sequential(nn.Conv2d(prev, filters, 3, padding=1), nn.ReLU()))
        layers.append(nn.Sequential(nn.Conv2d(filters, filters, 3, padding=0), nn.ReLU()))
        layers.append(nn.MaxPool2d(2))
        if c["dropout_conv"] > 0:
            layers.append(nn.Dropout(c["dropout_conv"]))
        h, w, prev = (h - 2) // 2, (w - 2) // 2, filters
    layers.append(nn.Flatten())
    layers.append(nn.Sequential(nn.Linear(prev * h * w, c["hidden"]), nn.ReLU()))
    if c["dropout_fc"] > 0:
        layers.append(nn.Dropout(c["dropout_fc"]))
    layers.append(nn.Linear(c["hidden"], c["classes"]))
    return nn.Sequential(*layers)


class DenseLayer(nn.Module):
    """BN-ReLU-conv3x3(growth, no bias)-dropout, output concatenated to the input along the channels."""

    def __init__(self, cin, growth, p):
        super().__init__()
        self.bn = nn.BatchNorm2d(cin)
        self.conv = nn.Conv2d(cin, growth, 3, padding=1, bias=False)
        self.drop = nn.Dropout(p) if p > 0 else nn.Identity()

    def forward(self, x):
        return torch.cat([x, self.drop(self.conv(torch.relu(self.bn(x))))], dim=1)


def _densenet(c):
    depth, growth, channels, p = c["depth"], c["growth"], c["init_channels"], c["dropout"]
    layers = []
    _standardize(layers, c)
    layers.append(Reshape(c["channels"], c["height"], c["width"]))
    layers.append(nn.Conv2d(c["channels"], channels, 3, padding=1, bias=False))
    for block in range(3):
        for _ in range((depth - 4) // 3):
            layers.append(DenseLayer(channels, growth, p))
            channels += growth
        if block < 2:
            layers += [nn.BatchNorm2d(channels), nn.ReLU(), nn.Conv2d(channels, channels, 1, bias=False)]
            if p > 0:
                layers.append(nn.Dropout(p))
            layers.append(nn.AvgPool2d(2, 2))
    layers += [nn.BatchNorm2d(channels), nn.ReLU(), GlobalAvgPool(), nn.Flatten(), nn.Linear(channels, c["classes"])]
    return nn.Sequential(*layers)


class LstmClassifier(nn.Module):
    """Token ids (B, max_len), right-padded with 0 -> embedding -> LSTM (0 ids masked: a row keeps its state) ->
    the last valid hidden state -> dropout -> linear."""

    def __init__(self, c):
        super().__init__()
        self.embedding = nn.Embedding(c["vocab"], c["embedding"])
        self.lstm = nn.LSTM(c["embedding"], c["hidden"])
        self.dropout = nn.Dropout(c["dropout"])
        self.fc = nn.Linear(c["hidden"], c["classes"])

    def forward(self, x):
        ids = x.long()
        b, hdim = ids.shape[0], self.lstm.hidden_size
        h = torch.zeros(b, hdim, dtype=self.fc.weight.dtype)
        cell = torch.zeros_like(h)
        emb = self.embedding(ids)
        w_ih, w_hh = self.lstm.weight_ih_l0, self.lstm.weight_hh_l0
        bias = self.lstm.bias_ih_l0 + self.lstm.bias_hh_l0
        for t in range(ids.shape[1]):
            gates = emb[:, t] @ w_ih.T + bias + h @ w_hh.T
            i, f, g, o = gates.chunk(4, dim=1)
            c_new = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
            h_new = torch.sigmoid(o) * torch.tanh(c_new)
            valid = (ids[:, t] != 0).unsqueeze(1)
            cell = torch.where(valid, c_new, cell)
            h = torch.where(valid, h_new, h)
        return self.fc(self.dropout(h))


class LstmLayer(nn.Module):
    """One layer of hhnn's LSTM as hhnn names it: weight_ih (G*H, in), weight_hh (G*H, H) and one bias (G*H), gate
    blocks i, f, g, o, and for the modulated cell m: c~ = tanh(mod_act(m) * g) instead of tanh(g)."""

    def __init__(self, cin, hidden, mod_act=None):
        super().__init__()
        gates = 5 if mod_act is not None else 4
        self.hidden, self.mod_act = hidden, mod_act
        self.weight_ih = nn.Parameter(torch.zeros(gates * hidden, cin))
        self.weight_hh = nn.Parameter(torch.zeros(gates * hidden, hidden))
        self.bias = nn.Parameter(torch.zeros(gates * hidden))

    def forward(self, x):
        """x (T, B, in) from zero state -> every step's h (T, B, H)."""
        h = torch.zeros(x.shape[1], self.hidden, dtype=x.dtype)
        c = torch.zeros_like(h)
        xg = x @ self.weight_ih.T + self.bias
        out = []
        for t in range(x.shape[0]):
            gates = (xg[t] + h @ self.weight_hh.T).chunk(5 if self.mod_act is not None else 4, dim=1)
            i, f, g, o = gates[:4]
            cand = torch.tanh(self.mod_act(gates[4]) * g) if self.mod_act is not None else torch.tanh(g)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * cand
            h = torch.sigmoid(o) * torch.tanh(c)
            out.append(h)
        return torch.stack(out)


class _Bias(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(n))


class AwdLstm(nn.Module):
    """awd-lstm / awd-lstm-mod (eval mode: no dropout of any kind): token ids (T, B), time-major, from zero state ->
    embedding `encoder` -> the LSTM layers `rnns` (modulated cells for -mod) -> logits (T*B, vocab) in hhnn's row order,
    the decoder's weight being encoder.weight (tied) plus its own `decoder.bias`."""

    def __init__(self, c):
        super().__init__()
        mod = _act(c.get("mod_activation", "sigmoid")) if c["model"].endswith("-mod") else None
        self.encoder = nn.Embedding(c["vocab"], c["embedding"])
        sizes = [c["embedding"]] + list(c["hidden"])
        self.rnns = nn.ModuleList(LstmLayer(sizes[l], sizes[l + 1], mod) for l in range(len(c["hidden"])))
        self.decoder = _Bias(c["vocab"])

    def forward(self, ids):
        ids = ids.long()
        x = self.encoder(ids)
        for layer in self.rnns:
            x = layer(x)
        return x.reshape(ids.shape[0] * ids.shape[1], -1) @ self.encoder.weight.T + self.decoder.bias


# ---- the HH layer -------------------------------------------------------------------------------------------------

_E_NA, _E_K, _E_L, _CM = 50.0, -77.0, -54.387, 1.0
_G_DEFAULT = (120.0, 36.0, 0.3)
_EXP_MAX = 80.0


def _exp(a):
    return torch.exp(torch.clamp(a, max=_EXP_MAX))


def _bern(z):
    """z / (1 - e^-z), with its Taylor series near the removable singularity at 0 (as hhnn's reference)."""
    z2 = z * z
    series = 1 + z / 2 + z2 * (1.0 / 12 + z2 * (-1.0 / 720 + z2 * (1.0 / 30240 - z2 / 1209600)))
    safe = torch.where(z.abs() < 0.1, torch.ones_like(z), z)
    den = torch.where(-safe < _EXP_MAX, -torch.expm1(-safe), 1 - _exp(-safe))
    return torch.where(z.abs() < 0.1, series, safe / den)


def _rates(v):
    am = _bern(0.1 * (v + 40))
    bm = 4 * _exp(-0.0556 * (v + 65))
    ah = 0.07 * _exp(-0.05 * (v + 65))
    bh = torch.sigmoid(0.1 * (v + 35))
    an = 0.1 * _bern(0.1 * (v + 55))
    bn = 0.125 * _exp(-0.0125 * (v + 65))
    return am, bm, ah, bh, an, bn


def _rest_state():
    v = torch.tensor(-65.0, dtype=torch.float64)
    am, bm, ah, bh, an, bn = _rates(v)
    return [float(np.float32(x)) for x in (v, am / (am + bm), ah / (ah + bh), an / (an + bn))]


def _legendre(x, degree):
    p = [torch.ones_like(x), x]
    for k in range(1, degree):
        p.append(((2 * k + 1) * x * p[k] - k * p[k - 1]) / (k + 1))
    return torch.stack(p[:degree + 1], dim=-1)


class HHLayer(nn.Module):
    """Hodgkin-Huxley neurons driven by I = gain*sigmoid(x W^T + b) (or gain*(x W^T + b)) for `steps` steps from rest,
    read out as F_j = sum_k A_jk mean_t P_k(clamp((V_j(t)+15)/75, -1, 1)) (or the dense form). State and window sums
    are rounded to float32 between windows, as hhnn stores them."""

    def __init__(self, c):
        super().__init__()
        unsupported = [k for k in ("inhibition", "feedback", "hebbian_rate") if c.get(k, 0) != 0]
        if c["readout"] not in ("neuron", "dense"):
            unsupported.append("readout=" + c["readout"])
        if unsupported:
            raise NotImplementedError("the PyTorch HH layer does not rebuild " + ", ".join(unsupported))
        self.c = c
        m, n, k = c["neurons"], c["in_features"], c["degree"] + 1
        self.weight = nn.Parameter(torch.zeros(m, n))
        self.bias = nn.Parameter(torch.zeros(m))
        if c["readout"] == "neuron":
            self.legendre = nn.Parameter(torch.zeros(m, k))
        else:
            self.legendre = nn.Parameter(torch.zeros(c["dense_out"], m * k))
            self.legendre_bias = nn.Parameter(torch.zeros(c["dense_out"]))
        if c.get("train_gain"):   # hhnn's trainable input gain: one scalar, shape (1, 1)
            self.gain = nn.Parameter(torch.tensor([[float(c["gain"])]]))
        if c.get("train_conductances"):
            self.conductance = nn.Parameter(torch.tensor([_G_DEFAULT] * m, dtype=torch.float32))
        self.out_act = _act(c["out_activation"])

    def forward(self, x):
        c = self.c
        pre = x @ self.weight.T + self.bias
        gain = self.gain.reshape(()) if c.get("train_gain") else c["gain"]
        current = gain * (torch.sigmoid(pre) if c["bounded_current"] else pre)
        current = current.double()
        g = (self.conductance.double() if hasattr(self, "conductance")
             else torch.tensor(_G_DEFAULT, dtype=torch.float64).expand(c["neurons"], 3))
        g_na, g_k, g_l = g[:, 0], g[:, 1], g[:, 2]
        v, mg, hg, ng = [torch.full_like(current, s) for s in _rest_state()]
        dt, degree = c["dt"], c["degree"]
        total = None
        for _ in range(c["steps"] // c["window"]):
            window = torch.zeros(*current.shape, degree + 1, dtype=torch.float64)
            for _ in range(c["window"]):
                am, bm, ah, bh, an, bn = _rates(v)
                ionic = g_na * mg ** 3 * hg * (v - _E_NA) + g_k * ng ** 4 * (v - _E_K) + g_l * (v - _E_L)
                mg, hg, ng = (a / (a + b) + (s - a / (a + b)) * torch.exp(-dt * (a + b))
                              for s, a, b in ((mg, am, bm), (hg, ah, bh), (ng, an, bn)))
                v = v + dt / _CM * (current - ionic)
                window = window + _legendre(torch.clamp((v + 15) / 75, -1, 1), degree)
            v, mg, hg, ng = (s.float().double() for s in (v, mg, hg, ng))
            window = window.float()
            total = window if total is None else total + window
        mean_basis = total * np.float32(1.0 / c["steps"])
        if c["readout"] == "neuron":
            f = (mean_basis * self.legendre).sum(-1)
        else:
            f = mean_basis.reshape(x.shape[0], -1) @ self.legendre.T + self.legendre_bias
        return self.out_act(f.float())


def _hhnn(c):
    layers, prev = [], c["in_features"]
    _standardize(layers, c)
    for hc in c["hh_layers"]:
        hc = dict(hc, in_features=prev)
        layers.append(HHLayer(hc))
        prev = hc["dense_out"] if hc["readout"] == "dense" else hc["neurons"]
    layers.append(nn.Linear(prev, c["classes"]))
    return nn.Sequential(*layers)


_FAMILIES = {"mlp": _mlp, "cnn": _cnn, "densenet": _densenet, "lstm": LstmClassifier, "hhnn": _hhnn, "awd-lstm": AwdLstm,
             "awd-lstm-mod": AwdLstm}


def _whole(v):
    """JSON numbers written by --set may be 16.0 where an int is meant: integral floats become ints."""
    if isinstance(v, dict):
        return {k: _whole(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_whole(x) for x in v]
    return int(v) if isinstance(v, float) and v.is_integer() else v


def build(config):
    """An untrained torch model of the family the config names (a checkpoint's config.json or its "model" entry)."""
    c = _whole(config["model"] if isinstance(config.get("model"), dict) else config)
    name = c["model"]
    if name not in _FAMILIES:
        raise NotImplementedError("model '%s' is not rebuilt in PyTorch (these are: %s)" % (name, ", ".join(_FAMILIES)))
    return _FAMILIES[name](c)


# ---- weights ----------------------------------------------------------------------------------------------------------

def _to_torch_names(sd):
    out = {}
    for k, v in sd.items():
        if k.startswith("lstm.") and k.split(".", 1)[1] in ("weight_ih", "weight_hh", "bias"):
            leaf = k.split(".", 1)[1]
            if leaf == "bias":
                out["lstm.bias_ih_l0"] = v
                out["lstm.bias_hh_l0"] = torch.zeros_like(v)
            else:
                out["lstm." + leaf + "_l0"] = v
        else:
            out[k] = v
    return out


def _to_hhnn_names(sd):
    out = {}
    for k, v in sd.items():
        if k.endswith("num_batches_tracked") or k == "lstm.bias_hh_l0":
            continue
        if k == "lstm.bias_ih_l0":
            out["lstm.bias"] = v + sd["lstm.bias_hh_l0"]
        elif k in ("lstm.weight_ih_l0", "lstm.weight_hh_l0"):
            out[k[:-3]] = v
        else:
            out[k] = v
    return out


def load_state_dict(model, hhnn_state):
    """Loads hhnn-named float tensors (without the "model." prefix) into a model from `build`; any other difference
    than PyTorch's own batch counters is an error."""
    sd = {k: v.float() for k, v in _to_torch_names(hhnn_state).items()}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise KeyError("checkpoint and model differ: missing %s, unexpected %s" % (missing, unexpected))
    return model


def load(path):
    """(model in eval mode, config dict) from an hhnn checkpoint folder or one save in it."""
    d = checkpoint_dir(path)
    with open(os.path.join(d, CONFIG_FILE)) as f:
        config = json.load(f)
    tensors = read_safetensors(os.path.join(d, MODEL_FILE))
    state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    if config.get("asgd", {}).get("active"):   # a language model tests with its NT-ASGD averages, as hhnn's eval does
        state.update({k[len("asgd."):]: v for k, v in tensors.items() if k.startswith("asgd.")})
    model = load_state_dict(build(config), state)
    return model.eval(), config


def save(model, config, out_dir, dtype=torch.float32):
    """Writes model's weights (hhnn names, "model." prefix, in dtype) and config as a checkpoint hhnn's `eval` reads.
    Optimizer state is not written, so the result is for eval/predict, not --resume."""
    os.makedirs(out_dir, exist_ok=True)
    state = {"model." + k: v.to(dtype) for k, v in _to_hhnn_names(model.state_dict()).items()}
    write_safetensors(os.path.join(out_dir, MODEL_FILE), state, {"written_by": "hhnn_torch.py"})
    config = dict(config)
    config.pop("asgd", None)   # the weights written are the ones to test with, not a model and its averages
    with open(os.path.join(out_dir, MODEL_FILE), "rb") as f:   # hhnn checks the weights against this hash
        config[SHA_KEY] = hashlib.sha256(f.read()).hexdigest()
    tmp = os.path.join(out_dir, CONFIG_FILE + ".tmp")
    with open(tmp, "w") as f:
        json.dump(config, f, indent=2)
    os.replace(tmp, os.path.join(out_dir, CONFIG_FILE))
