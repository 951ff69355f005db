#!/usr/bin/env python3
"""Write PyTorch reference fixtures for LSTM, GRU, plain RNN and causal Conv1d tests.

Usage:  python3 tests/torch/make_recurrent_fixtures.py [-q] [outdir]

outdir defaults to tests/torch/fixtures next to this script.  Writes one
<case>_<f32|f64>.txt per case and precision, and the folder's README.md.  Needs only
torch (Debian 12 python3-torch, PyTorch 1.13) and the standard library.
The output is deterministic: running the script twice gives byte-identical
files.  See fixtures/README.md for the file format and the conventions.

Before writing anything the script checks, in float64, that a manual
re-implementation of the LSTM, GRU, RNN and causal-convolution equations in
plain tensor ops (no nn.LSTM / nn.GRU / nn.RNN / nn.Conv1d) reproduces the
PyTorch modules' outputs, final states and gradients to 1e-12.
"""

import argparse
import copy
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

TOL = 1e-12          # manual re-implementation vs PyTorch, float64
STATE_SCALE = 0.5    # random initial states are uniform in [-0.5, 0.5]
MAX_PREACT = 4.0     # no gate pre-activation may exceed this (no saturation)


# ----------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------

class RecurrentDense(nn.Module):
    """Module 0: nn.LSTM, nn.GRU or nn.RNN (time major, batch 1).
    Module 1: nn.Linear applied to every time step."""

    def __init__(self, rnn, dense):
        super().__init__()
        self.add_module("0", rnn)
        self.add_module("1", dense)

    def rnn(self):
        return getattr(self, "0")

    def dense(self):
        return getattr(self, "1")


class CausalConv(nn.Module):
    """Module 0: nn.Conv1d, made causal by left-padding the time axis with
    (kernel_size - 1) * dilation zeros.  Input and output are [T, C]."""

    def __init__(self, conv):
        super().__init__()
        self.add_module("0", conv)

    def conv(self):
        return getattr(self, "0")

    def pad(self):
        c = self.conv()
        return (c.kernel_size[0] - 1) * c.dilation[0]

    def forward(self, x):                       # x: [T, C_in]
        xb = x.t().unsqueeze(0)                 # [1, C_in, T]
        xb = F.pad(xb, (self.pad(), 0))         # [1, C_in, pad + T]
        y = self.conv()(xb)                     # [1, C_out, T]
        return y.squeeze(0).t()                 # [T, C_out]


# ----------------------------------------------------------------------------
# Manual re-implementations (plain tensor ops) used for the cross-checks
# ----------------------------------------------------------------------------

def manual_lstm(lstm, x, h0, c0):
    """PyTorch LSTM equations; gate rows in order i, f, g, o.
    x [T, I], h0/c0 [L, H] -> (out [T, H], h_n [L, H], c_n [L, H], max|preact|)."""
    layer_in = x
    hs, cs = [], []
    max_pre = 0.0
    for l in range(lstm.num_layers):
        w_ih = getattr(lstm, "weight_ih_l%d" % l)
        w_hh = getattr(lstm, "weight_hh_l%d" % l)
        b_ih = getattr(lstm, "bias_ih_l%d" % l)
        b_hh = getattr(lstm, "bias_hh_l%d" % l)
        h, c = h0[l], c0[l]
        outs = []
        for t in range(layer_in.shape[0]):
            pre = w_ih @ layer_in[t] + b_ih + w_hh @ h + b_hh
            max_pre = max(max_pre, float(pre.detach().abs().max()))
            i, f, g, o = pre.chunk(4)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            h = o * torch.tanh(c)
            outs.append(h)
        layer_in = torch.stack(outs)
        hs.append(h)
        cs.append(c)
    return layer_in, torch.stack(hs), torch.stack(cs), max_pre


def manual_layers(module, x, h0, cell):
    """The layers of a GRU or RNN module over x [T, I] from h0 [L, H]: cell(w_ih, w_hh, b_ih,
    b_hh, x_t, h) gives (h', the pre-activations).  -> (out [T, H], h_n [L, H], max|preact|)."""
    layer_in = x
    hs = []
    max_pre = 0.0
    for l in range(module.num_layers):
        weights = [getattr(module, "%s_l%d" % (n, l))
                   for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        h = h0[l]
        outs = []
        for t in range(layer_in.shape[0]):
            h, pre = cell(*weights, layer_in[t], h)
            max_pre = max(max_pre, float(pre.detach().abs().max()))
            outs.append(h)
        layer_in = torch.stack(outs)
        hs.append(h)
    return layer_in, torch.stack(hs), max_pre


def manual_gru(gru, x, h0):
    """PyTorch GRU equations; gate rows in order r, z, n.
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h."""
    def cell(w_ih, w_hh, b_ih, b_hh, x_t, h):
        i_r, i_z, i_n = (w_ih @ x_t + b_ih).chunk(3)
        h_r, h_z, h_n = (w_hh @ h + b_hh).chunk(3)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n_pre = i_n + r * h_n
        n = torch.tanh(n_pre)
        return (1 - z) * n + z * h, torch.cat([i_r + h_r, i_z + h_z, n_pre])
    return manual_layers(gru, x, h0, cell)


def manual_rnn(rnn, x, h0):
    """PyTorch RNN equation: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu."""
    act = torch.tanh if rnn.nonlinearity == "tanh" else torch.relu
    def cell(w_ih, w_hh, b_ih, b_hh, x_t, h):
        pre = w_ih @ x_t + b_ih + w_hh @ h + b_hh
        return act(pre), pre
    return manual_layers(rnn, x, h0, cell)


def manual_causal_conv(conv, x):
    """y[t, o] = b[o] + sum_k sum_ci w[o, ci, k] * x[t - (K-1-k)*d, g*Cg + ci],
    x[s] = 0 for s < 0 (loop over taps; g = group of output channel o)."""
    T, C_in = x.shape
    w = conv.weight                     # [C_out, C_in / groups, K]
    C_out, Cg, K = w.shape
    d = conv.dilation[0]
    groups = conv.groups
    out_per_group = C_out // groups
    y = torch.zeros(T, C_out, dtype=x.dtype)
    if conv.bias is not None:
        y = y + conv.bias
    for k in range(K):
        shift = (K - 1 - k) * d          # tap k looks `shift` steps back
        if shift >= T:
            continue
        xs = torch.cat([torch.zeros(shift, C_in, dtype=x.dtype), x[:T - shift]])
        cols = []
        for o in range(C_out):
            g = o // out_per_group
            cols.append(xs[:, g * Cg:(g + 1) * Cg] @ w[o, :, k])
        y = y + torch.stack(cols, dim=1)
    return y


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------

# name, kind, rnn args / conv args, dense args, T, seed, initial state
CASES = [
    dict(name="lstm_1_8_dense_T1", kind="lstm", rnn=(1, 8, 1), dense=(8, 1), T=1, seed=101, state="zeros"),
    dict(name="lstm_1_8_dense_T2", kind="lstm", rnn=(1, 8, 1), dense=(8, 1), T=2, seed=102, state="random"),
    dict(name="lstm_1_8_dense_T17", kind="lstm", rnn=(1, 8, 1), dense=(8, 1), T=17, seed=103, state="random"),
    dict(name="lstm_3_16_stacked", kind="lstm", rnn=(3, 16, 2), dense=(16, 2), T=17, seed=104, state="random"),
    dict(name="gru_1_8_dense_T1", kind="gru", rnn=(1, 8, 1), dense=(8, 1), T=1, seed=201, state="random"),
    dict(name="gru_1_8_dense_T2", kind="gru", rnn=(1, 8, 1), dense=(8, 1), T=2, seed=202, state="zeros"),
    dict(name="gru_1_8_dense_T17", kind="gru", rnn=(1, 8, 1), dense=(8, 1), T=17, seed=203, state="random"),
    dict(name="gru_2_12_stacked", kind="gru", rnn=(2, 12, 2), dense=(12, 3), T=17, seed=204, state="zeros"),
    dict(name="rnn_1_8_dense_T1", kind="rnn", rnn=(1, 8, 1), dense=(8, 1), T=1, seed=401, state="random"),
    dict(name="rnn_1_8_dense_T2", kind="rnn", rnn=(1, 8, 1), dense=(8, 1), T=2, seed=402, state="zeros"),
    dict(name="rnn_1_8_dense_T17", kind="rnn", rnn=(1, 8, 1), dense=(8, 1), T=17, seed=403, state="random"),
    dict(name="rnn_2_6_relu_stacked", kind="rnn", rnn=(2, 6, 2), dense=(6, 2), T=17, seed=404,
         state="random", nonlinearity="relu"),
    # conv: (in_channels, out_channels, kernel_size, dilation, groups)
    dict(name="conv1d_causal", kind="conv", conv=(4, 6, 3, 2, 2), T=17, seed=301),
    dict(name="conv1d_causal_k3_d4", kind="conv", conv=(3, 3, 3, 4, 1), T=17, seed=302),
]


def uniform(shape, lo=-1.0, hi=1.0):
    """Uniform in [lo, hi), float32, from the global (seeded) generator."""
    return torch.rand(*shape, dtype=torch.float32) * (hi - lo) + lo


def build(case):
    """Build the float32 model and the float32 data of a case, deterministically.
    The float64 variant uses exactly the same values, widened."""
    torch.manual_seed(case["seed"])
    T = case["T"]
    data = {}
    if case["kind"] in ("lstm", "gru", "rnn"):
        I, H, L = case["rnn"]
        if case["kind"] == "rnn":
            rnn = nn.RNN(input_size=I, hidden_size=H, num_layers=L,
                         nonlinearity=case.get("nonlinearity", "tanh"))
        else:
            cls = nn.LSTM if case["kind"] == "lstm" else nn.GRU
            rnn = cls(input_size=I, hidden_size=H, num_layers=L)
        dense = nn.Linear(*case["dense"])
        model = RecurrentDense(rnn, dense)
        data["input"] = uniform((T, I))
        if case["state"] == "random":
            data["h0"] = uniform((L, H), -STATE_SCALE, STATE_SCALE)
            if case["kind"] == "lstm":
                data["c0"] = uniform((L, H), -STATE_SCALE, STATE_SCALE)
        else:
            data["h0"] = torch.zeros(L, H)
            if case["kind"] == "lstm":
                data["c0"] = torch.zeros(L, H)
        data["upstream"] = uniform((T, case["dense"][1]))
    else:
        C_in, C_out, K, d, groups = case["conv"]
        conv = nn.Conv1d(C_in, C_out, kernel_size=K, dilation=d, groups=groups, bias=True)
        model = CausalConv(conv)
        data["input"] = uniform((T, C_in))
        data["upstream"] = uniform((T, C_out))
    return model, data


def run(case, model, data, dtype):
    """Forward + backward with autograd.  Returns an ordered list of
    (name, tensor) records and the inputs actually used."""
    model = copy.deepcopy(model).to(dtype)
    leaves = {k: v.to(dtype).clone().requires_grad_(k != "upstream") for k, v in data.items()}
    params = list(model.state_dict(keep_vars=True).items())
    x = leaves["input"]
    states = {}
    if case["kind"] == "lstm":
        rnn_out, (h_n, c_n) = model.rnn()(x.unsqueeze(1),
                                          (leaves["h0"].unsqueeze(1), leaves["c0"].unsqueeze(1)))
        output = model.dense()(rnn_out.squeeze(1))
        states = {"h_n": h_n.squeeze(1), "c_n": c_n.squeeze(1)}
    elif case["kind"] in ("gru", "rnn"):
        rnn_out, h_n = model.rnn()(x.unsqueeze(1), leaves["h0"].unsqueeze(1))
        output = model.dense()(rnn_out.squeeze(1))
        states = {"h_n": h_n.squeeze(1)}
    else:
        output = model(x)
    loss = (output * leaves["upstream"]).sum()
    loss.backward()

    recs = [(n, p) for n, p in params]
    recs.append(("input", x))
    for s in ("h0", "c0"):
        if s in leaves:
            recs.append((s, leaves[s]))
    recs.append(("output", output))
    for s in ("h_n", "c_n"):
        if s in states:
            recs.append((s, states[s]))
    recs.append(("upstream", leaves["upstream"]))
    recs.append(("loss", loss.reshape(1)))
    for n, p in params:
        recs.append(("grad." + n, p.grad))
    for s in ("input", "h0", "c0"):
        if s in leaves:
            recs.append(("grad." + s, leaves[s].grad))
    return [(n, t.detach()) for n, t in recs], model


def manual_check(case, model, data):
    """float64: manual equations (outputs, states and autograd gradients
    through them) must match the nn modules to TOL."""
    recs, model64 = run(case, model, data, torch.float64)
    ref = dict(recs)
    m = copy.deepcopy(model64)
    for p in m.parameters():
        p.grad = None
    leaves = {k: v.double().clone().requires_grad_(k != "upstream") for k, v in data.items()}
    x = leaves["input"]
    got = {}
    max_pre = 0.0
    if case["kind"] == "lstm":
        seq, h_n, c_n, max_pre = manual_lstm(m.rnn(), x, leaves["h0"], leaves["c0"])
        output = seq @ m.dense().weight.t() + m.dense().bias
        got.update({"h_n": h_n, "c_n": c_n})
    elif case["kind"] in ("gru", "rnn"):
        manual = manual_gru if case["kind"] == "gru" else manual_rnn
        seq, h_n, max_pre = manual(m.rnn(), x, leaves["h0"])
        output = seq @ m.dense().weight.t() + m.dense().bias
        got["h_n"] = h_n
    else:
        output = manual_causal_conv(m.conv(), x)
    loss = (output * leaves["upstream"]).sum()
    loss.backward()
    got["output"] = output
    got["loss"] = loss.reshape(1)
    for n, p in m.state_dict(keep_vars=True).items():
        got["grad." + n] = p.grad
    for s in ("input", "h0", "c0"):
        if s in leaves:
            got["grad." + s] = leaves[s].grad
    worst = 0.0
    for n, t in got.items():
        assert t.shape == ref[n].shape, (case["name"], n, t.shape, ref[n].shape)
        err = float((t.detach() - ref[n]).abs().max())
        worst = max(worst, err)
        assert err <= TOL, "%s: manual %s differs from PyTorch by %g" % (case["name"], n, err)
    assert max_pre <= MAX_PREACT, "%s: gate pre-activation %g saturates" % (case["name"], max_pre)
    return worst, max_pre, len(got)


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------

def fmt_values(t, dtype):
    vals = t.reshape(-1).tolist()
    if dtype == torch.float64:
        return " ".join(repr(float(v)) for v in vals)
    return " ".join("%.9g" % float(v) for v in vals)


def describe(case):
    if case["kind"] in ("lstm", "gru", "rnn"):
        I, H, L = case["rnn"]
        cls = {"lstm": "nn.LSTM", "gru": "nn.GRU", "rnn": "nn.RNN"}[case["kind"]]
        extra = ""
        if case["kind"] == "rnn":
            extra = ", nonlinearity='%s'" % case.get("nonlinearity", "tanh")
        lines = [
            "model: 0 = %s(input_size=%d, hidden_size=%d, num_layers=%d%s), "
            "1 = nn.Linear(%d, %d) on every time step" % ((cls, I, H, L, extra) + tuple(case["dense"])),
            "input [T, %d] time major (batch 1 squeezed); states [num_layers, hidden]" % I,
            "initial state: %s" % ("zeros" if case["state"] == "zeros"
                                   else "uniform in [-%g, %g]" % (STATE_SCALE, STATE_SCALE)),
        ]
    else:
        C_in, C_out, K, d, groups = case["conv"]
        lines = [
            "model: 0 = nn.Conv1d(in_channels=%d, out_channels=%d, kernel_size=%d, "
            "dilation=%d, groups=%d, bias=True)" % (C_in, C_out, K, d, groups),
            "causal: input left-padded along time with (kernel_size-1)*dilation = %d zeros" % ((K - 1) * d),
            "input [T, %d] and output [T, %d] time major; PyTorch sees x.t() as [1, C, T]" % (C_in, C_out),
        ]
    lines.append("T = %d; seed %d; loss = sum(output * upstream); grad.* by autograd"
                 % (case["T"], case["seed"]))
    return lines


def write_case(outdir, case, recs, dtype, script="tests/torch/make_recurrent_fixtures.py",
               description=None):
    """Writes one fixture file; `script` and `description` (default describe(case)) head it."""
    tag = "f64" if dtype == torch.float64 else "f32"
    name = "%s_%s" % (case["name"], tag)
    lines = ["# %s: PyTorch reference fixture (%s)" % (name, script)]
    lines += ["# " + l for l in (describe(case) if description is None else description)]
    lines.append("# format: tensor <name> <dtype> <rank> <dims...> <values, row-major>")
    for n, t in recs:
        assert t.dtype == dtype, (name, n, t.dtype)
        dims = list(t.shape)
        lines.append(" ".join(["tensor", n, tag, str(len(dims))] + [str(x) for x in dims])
                     + " " + fmt_values(t, dtype))
    path = os.path.join(outdir, name + ".txt")
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return path


# The README of the fixtures folder, written with the fixtures so that the
# whole folder regenerates byte for byte.  @...@ fields are filled in from
# the run.
README_TEMPLATE = """# PyTorch reference fixtures: LSTM, GRU, causal Conv1d

*Written by `tests/torch/make_recurrent_fixtures.py` along with the
fixtures. To change this file, edit the script and rerun it.*

These files are reference data for the C++ tests of the recurrent and causal
convolution layers: forward outputs, final states and autograd gradients,
computed by PyTorch with its exact semantics.

## How they were produced

```
python3 tests/torch/make_recurrent_fixtures.py [outdir]
```

`outdir` defaults to this folder (`tests/torch/fixtures`). The script needs
only `torch` and the Python standard library. The committed files were
produced with Debian 12's `python3-torch` (PyTorch 1.13.1+dfsg,
`torch.__version__` is `1.13.0a0`) on CPU. On a machine where `python3` is
not the system interpreter (pyenv and the like), run `/usr/bin/python3`.

The output is deterministic: every case calls `torch.manual_seed`, the
script runs single-threaded with `torch.use_deterministic_algorithms(True)`,
and the files hold no timestamps or version strings. Two runs on one machine
give byte-identical files. On another instruction set PyTorch's float32
kernels can round differently in the last bits (a convolution with AVX-512
against AVX2), so a test regenerates into a temporary folder and compares
the values within a tenth of the tests' tolerances, the Markdown reports
with their measured numbers masked (`compare_fixtures.py`):

```
python3 tests/torch/make_recurrent_fixtures.py -q /tmp/fx
python3 tests/torch/compare_fixtures.py tests/torch/fixtures /tmp/fx
```

(`-q` turns off the progress output.) The exact digits may differ under
another PyTorch version or BLAS.

Before it writes anything, the script checks every case in float64: the
LSTM, GRU and RNN equations and the causal convolution (a loop over taps),
written in plain tensor ops rather than `nn.LSTM`/`nn.GRU`/`nn.RNN`/`nn.Conv1d`,
must match PyTorch's outputs, final states, loss and all gradients (autograd
through the manual code) to 1e-12. The largest difference is @MANUAL_DIFF@.
It also asserts that no gate pre-activation exceeds 4 in absolute value, so
the gates are not saturated (the largest is @MAX_PREACT@).

## File format

One file per case and precision, `<case>_f32.txt` or `<case>_f64.txt`.
ASCII, `\\n` line ends. Lines starting with `#` are free comments (the files
begin with a few that describe the model). Every other line is a single
record:

```
tensor <name> <dtype> <rank> <dim0> ... <dim{rank-1}> <values...>
```

- `<dtype>` is `f32` or `f64`. It is always the file's precision.
- `<rank>` is followed by `rank` integer dimensions, then exactly
  `dim0 * ... * dim{rank-1}` values in row-major (C) order. All fields are
  separated by single spaces.
- f64 values are Python `repr(float(v))` (shortest round-trip, e.g.
  `0.18383994698524475`, `-6.747788658949796e-05`); `strtod` reads them back
  exactly.
- f32 values are `'%.9g'`. `strtof` reads back the exact float32 value, and
  so does `strtod` followed by a cast to `float`. The double that `strtod`
  gives before the cast is not the float32 value itself: it is the 9-digit
  decimal, within about 3e-9 relative of it.
- Scalars (`loss`) are stored with rank 1, dim 1.

Records come in this order:

1. Parameters, in `state_dict()` order, named as in PyTorch's `state_dict()`
   with the module's index in the container as a prefix:
   - recurrent models: `0.weight_ih_l0 0.weight_hh_l0 0.bias_ih_l0 0.bias_hh_l0`
     (then `..._l1` for the second layer), then `1.weight 1.bias` for the
     Linear;
   - convolution models: `0.weight 0.bias`.
   Shapes are PyTorch's: `weight_ih_l<k>` [G*H, in_k], `weight_hh_l<k>`
   [G*H, H], biases [G*H] (G = 4 for LSTM, 3 for GRU, 1 for RNN; in_0 = input size,
   in_k = H for k >= 1), Linear `weight` [out, in], `bias` [out], Conv1d
   `weight` [C_out, C_in/groups, K], `bias` [C_out].
2. `input`, shape [T, features], time major (PyTorch batch of 1 squeezed).
3. `h0` (LSTM, GRU and RNN), `c0` (LSTM only): initial states [num_layers, hidden].
4. `output`, shape [T, out_features].
5. `h_n` (LSTM, GRU and RNN), `c_n` (LSTM only): final states [num_layers, hidden].
6. `upstream`, a fixed random tensor with the shape of `output`.
7. `loss` = `sum(output * upstream)`, shape [1].
8. `grad.<param name>` for every parameter (same order and shapes as 1),
   then `grad.input`, then `grad.h0` and `grad.c0` where they apply. These
   are d loss / d x, so `upstream` is the output gradient fed into backward.

## Data

- Weights use PyTorch's default initialisation (uniform in ±1/sqrt(hidden)
  for LSTM/GRU/RNN; the usual Kaiming-uniform for Linear and Conv1d).
- `input` and `upstream` are uniform in [-1, 1). Random initial states are
  uniform in [-0.5, 0.5).
- The `_f32` and `_f64` files of a case hold the same parameters, inputs,
  states and upstream: everything is drawn in float32, and the f64 file has
  those values widened exactly. The f64 model is the f32 model after
  `.double()`. Outputs and gradients are computed in each file's own
  precision, so the two files differ there: the normwise relative
  difference (max |f32 - f64| / max |f64|, tensor by tensor) is at most
  @F32_DIFF@. The
  f32 values are PyTorch's own float32 results, not the f64 results rounded.

| case | model | T | initial state |
|---|---|---|---|
| `lstm_1_8_dense_T1`  | `nn.LSTM(1, 8)` → `nn.Linear(8, 1)` per step | 1  | zeros |
| `lstm_1_8_dense_T2`  | same | 2  | random |
| `lstm_1_8_dense_T17` | same | 17 | random |
| `lstm_3_16_stacked`  | `nn.LSTM(3, 16, num_layers=2)` → `nn.Linear(16, 2)` | 17 | random |
| `gru_1_8_dense_T1`   | `nn.GRU(1, 8)` → `nn.Linear(8, 1)` per step | 1  | random |
| `gru_1_8_dense_T2`   | same | 2  | zeros |
| `gru_1_8_dense_T17`  | same | 17 | random |
| `gru_2_12_stacked`   | `nn.GRU(2, 12, num_layers=2)` → `nn.Linear(12, 3)` | 17 | zeros |
| `rnn_1_8_dense_T1`   | `nn.RNN(1, 8)` → `nn.Linear(8, 1)` per step | 1  | random |
| `rnn_1_8_dense_T2`   | same | 2  | zeros |
| `rnn_1_8_dense_T17`  | same | 17 | random |
| `rnn_2_6_relu_stacked` | `nn.RNN(2, 6, num_layers=2, nonlinearity='relu')` → `nn.Linear(6, 2)` | 17 | random |
| `conv1d_causal`       | `nn.Conv1d(4, 6, kernel_size=3, dilation=2, groups=2)`, causal | 17 | – |
| `conv1d_causal_k3_d4` | `nn.Conv1d(3, 3, kernel_size=3, dilation=4)`, causal | 17 | – |

All recurrent layers have both biases (`bias=True`), `batch_first=False`,
one direction, and no dropout. The Linear is applied to the top layer's
hidden state at every time step.

## Equations

### LSTM (`nn.LSTM`)

For each layer, `x_t` is the layer's input (the model input for layer 0,
the previous layer's `h_t` above that). The gate rows of `weight_ih`,
`weight_hh`, `bias_ih` and `bias_hh` come in blocks of H, in the order
**i, f, g, o**:

```
i_t = sigmoid(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)     rows [0,   H)
f_t = sigmoid(W_if x_t + b_if + W_hf h_{t-1} + b_hf)     rows [H,  2H)
g_t = tanh   (W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)     rows [2H, 3H)
o_t = sigmoid(W_io x_t + b_io + W_ho h_{t-1} + b_ho)     rows [3H, 4H)
c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
h_t = o_t ⊙ tanh(c_t)
```

`h_n[l]` and `c_n[l]` are layer l's `h_T` and `c_T`.

### GRU (`nn.GRU`)

Gate rows in blocks of H, in the order **r, z, n**:

```
r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)            rows [0,   H)
z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)            rows [H,  2H)
n_t = tanh   (W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))    rows [2H, 3H)
h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
```

Note that `r_t` multiplies `W_hn h_{t-1} + b_hn`, with `b_hn` included. For
the r and z rows, `b_ih` and `b_hh` act only through their sum, so their
gradients are equal up to rounding. For the n rows they are not. (In the
LSTM, `grad.bias_ih` and `grad.bias_hh` are equal up to rounding in every
row.)

### RNN (`nn.RNN`)

One block of H rows, and the nonlinearity (`tanh`, or `relu` where the case says so):

```
h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
```

`b_ih` and `b_hh` act only through their sum, so their gradients are equal up to rounding.

### Causal Conv1d

PyTorch's `Conv1d` is a cross-correlation with weight `[C_out, C_in/groups, K]`.
To make it causal, the input is left-padded along time with
`P = (K - 1) * dilation` zeros and nothing on the right, so the output has
T steps again and output step t sees only inputs at steps ≤ t:

```
y[t, o] = bias[o] + sum_{k=0}^{K-1} sum_{c=0}^{C_in/groups - 1}
          weight[o, c, k] * x[t - (K - 1 - k) * dilation, g(o) * C_in/groups + c]
```

Here `x[s, ·] = 0` for `s < 0` and `g(o) = o / (C_out/groups)` (integer
division) is the group of output channel o. Tap `k = K-1` is the current
step and tap 0 is the oldest. In the files `input` [T, C_in] and `output`
[T, C_out] are time major. The script gives PyTorch `input.t()` as
[1, C_in, T] and writes back `y[0].t()`. `grad.input` is with respect to
the unpadded input [T, C_in].
"""


def f32_f64_difference(all_recs):
    """Largest normwise relative difference max|f32 - f64| / max|f64| over
    the tensors of every case, and where it occurs."""
    worst, where = 0.0, ""
    for name, (r32, r64) in all_recs.items():
        for (n, a), (n2, b) in zip(r32, r64):
            assert n == n2
            scale = float(b.abs().max()) or 1.0
            e = float((a.double() - b).abs().max()) / scale
            if e > worst:
                worst, where = e, "`%s` of `%s`" % (n, name)
    return worst, where


def write_readme(outdir, manual_diff, max_preact, f32_diff):
    text = (README_TEMPLATE
            .replace("@MANUAL_DIFF@", "%.2g" % manual_diff)
            .replace("@MAX_PREACT@", "%.2f" % max_preact)
            .replace("@F32_DIFF@", "%.1e" % f32_diff))
    return write_text(outdir, "README.md", text)


def write_text(outdir, name, text):
    """Writes a generated text file (no @...@ field left) into outdir; returns its path."""
    assert "@" not in text
    path = os.path.join(outdir, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


def fixture_args(argv, doc):
    """A fixture script's command line ([-q] [outdir], outdir defaulting to fixtures/ next to
    the scripts), after setting PyTorch up to compute deterministically on one thread."""
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("outdir", nargs="?", default=os.path.join(here, "fixtures"))
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)
    return args


def write_cases(outdir, built, run, write, quiet):
    """Runs every (case, model, data) of `built` in float32 and float64 (run(case, model, data,
    dtype) -> (records, _)) and writes each precision's fixture (write(outdir, case, records,
    dtype) -> path). Returns the records by case name, float32's then float64's."""
    os.makedirs(outdir, exist_ok=True)
    all_recs = {}
    for case, model, data in built:
        per_dtype = []
        for dtype in (torch.float32, torch.float64):
            recs, _ = run(case, model, data, dtype)
            per_dtype.append(recs)
            path = write(outdir, case, recs, dtype)
            if not quiet:
                print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
        all_recs[case["name"]] = per_dtype
    return all_recs


def main(argv):
    args = fixture_args(argv, __doc__)

    # Cross-check every case in float64 before writing anything.
    built = []
    manual_diff, max_preact = 0.0, 0.0
    for case in CASES:
        model, data = build(case)
        worst, max_pre, n = manual_check(case, model, data)
        manual_diff, max_preact = max(manual_diff, worst), max(max_preact, max_pre)
        if not args.quiet:
            extra = "" if case["kind"] == "conv" else "; max |gate pre-act| %.3g" % max_pre
            print("check %-22s manual vs PyTorch (f64): %d tensors, max |diff| %.3g%s"
                  % (case["name"], n, worst, extra))
        built.append((case, model, data))

    all_recs = write_cases(args.outdir, built, run, write_case, args.quiet)
    f32_diff, _ = f32_f64_difference(all_recs)
    path = write_readme(args.outdir, manual_diff, max_preact, f32_diff)
    if not args.quiet:
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
