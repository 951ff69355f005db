#!/usr/bin/env python3
"""Write PyTorch reference fixtures for the WaveNet of Neural Amp Modeler (A1).

Usage:  python3 tests/torch/make_wavenet_fixtures.py [-q] [outdir]

outdir defaults to tests/torch/fixtures next to this script.  Writes one
wavenet_<case>_<f32|f64>.txt per case and precision, and the folder's
WAVENET.md (it leaves README.md, written by make_recurrent_fixtures.py,
alone).  Needs only torch (Debian 12 python3-torch, PyTorch 1.13) and the
standard library.  The output is deterministic: running the script twice
gives byte-identical files.  The file format and its conventions are those
of make_recurrent_fixtures.py (see fixtures/README.md); the file writer is
imported from that script.

The model is written here from a description of NAM's WaveNet (layer
arrays of gated or plain dilated causal convolutions with a conditioning
input and a summed head); it is not NAM's code.  Before writing anything the
script checks, in float64, that a second implementation that runs the
model one time step at a time, with explicit per-layer histories of past
inputs (zero initially), reproduces the batched nn.Conv1d forward to 1e-12,
and, for the cases with a loss, the loss and all gradients too.
"""

import copy
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True   # no __pycache__ in the source tree from the import below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_recurrent_fixtures import (  # noqa: E402  (no side effects on import)
    f32_f64_difference, fixture_args, write_case as write_fixture, write_cases, write_text)

SCRIPT = "tests/torch/make_wavenet_fixtures.py"
TOL = 1e-12          # step-by-step implementation vs batched nn.Conv1d, float64


# ----------------------------------------------------------------------------
# Model (batched, nn.Conv1d)
# ----------------------------------------------------------------------------

class Layer(nn.Module):
    """One dilated causal layer: conv (C -> Z, kernel K, dilation d, bias),
    input_mixer (1x1, condition -> Z, no bias), _1x1 (1x1, C -> C, bias).
    Z = 2C if gated else C."""

    def __init__(self, condition_size, channels, kernel_size, dilation, gated):
        super().__init__()
        self.channels = channels
        self.gated = gated
        z = 2 * channels if gated else channels
        self.conv = nn.Conv1d(channels, z, kernel_size, dilation=dilation, bias=True)
        self.input_mixer = nn.Conv1d(condition_size, z, 1, bias=False)
        self._1x1 = nn.Conv1d(channels, channels, 1, bias=True)

    def pad(self):
        return (self.conv.kernel_size[0] - 1) * self.conv.dilation[0]

    def forward(self, x, c):                    # x [1, C, T], c [1, 1, T]
        z = self.conv(F.pad(x, (self.pad(), 0))) + self.input_mixer(c)
        if self.gated:
            post = torch.tanh(z[:, :self.channels]) * torch.sigmoid(z[:, self.channels:])
        else:
            post = torch.tanh(z)
        return x + self._1x1(post), post


class LayerArray(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.rechannel = nn.Conv1d(cfg["input_size"], cfg["channels"], 1, bias=False)
        self.layers = nn.ModuleList(
            Layer(cfg["condition_size"], cfg["channels"], cfg["kernel_size"], d, cfg["gated"])
            for d in cfg["dilations"])
        self.head_rechannel = nn.Conv1d(cfg["channels"], cfg["head_size"], 1, bias=cfg["head_bias"])

    def forward(self, x, c, head_input):
        x = self.rechannel(x)
        for layer in self.layers:
            x, post = layer(x, c)
            head_input = post if head_input is None else head_input + post
        return self.head_rechannel(head_input), x


class WaveNet(nn.Module):
    def __init__(self, layer_arrays, head_scale):
        super().__init__()
        for i in range(len(layer_arrays) - 1):
            assert layer_arrays[i]["head_size"] == layer_arrays[i + 1]["channels"]
            assert layer_arrays[i]["channels"] == layer_arrays[i + 1]["input_size"]
        assert layer_arrays[-1]["head_size"] == 1 and layer_arrays[0]["input_size"] == 1
        self.layer_arrays = nn.ModuleList(LayerArray(cfg) for cfg in layer_arrays)
        self.head_scale = head_scale

    def forward(self, u):                       # u [T] -> y [T]
        c = u.reshape(1, 1, -1)
        y, head = c, None
        for array in self.layer_arrays:
            head, y = array(y, c, head)
        return (self.head_scale * head).reshape(-1)


def expected_param_names(cfgs):
    """The parameter order the fixtures promise (checked against state_dict)."""
    names = []
    for a, cfg in enumerate(cfgs):
        p = "layer_arrays.%d." % a
        names.append(p + "rechannel.weight")
        for l in range(len(cfg["dilations"])):
            q = p + "layers.%d." % l
            names += [q + "conv.weight", q + "conv.bias", q + "input_mixer.weight",
                      q + "_1x1.weight", q + "_1x1.bias"]
        names.append(p + "head_rechannel.weight")
        if cfg["head_bias"]:
            names.append(p + "head_rechannel.bias")
    return names


def receptive_field(cfgs):
    return 1 + sum((cfg["kernel_size"] - 1) * d for cfg in cfgs for d in cfg["dilations"])


# ----------------------------------------------------------------------------
# Independent step-by-step implementation (plain tensor ops) for the check
# ----------------------------------------------------------------------------

def streaming_forward(model, u):
    """Run the model one sample at a time.  Every layer keeps a ring of its
    last (K-1)*d + 1 inputs (zero vectors before the start); tap k of the
    kernel reads the input from (K-1-k)*d steps back.  Only matrix-vector
    products on the weights; no nn.Conv1d, no padding.  u [T] -> y [T]."""
    dtype = u.dtype
    state = []                                  # per array, per layer: [ring, position]
    for array in model.layer_arrays:
        rings = []
        for layer in array.layers:
            C = layer.channels
            length = layer.pad() + 1
            rings.append([[torch.zeros(C, dtype=dtype) for _ in range(length)], 0])
        state.append(rings)

    ys = []
    for t in range(u.shape[0]):
        c = u[t].reshape(1)                     # condition, [1]
        y = c                                   # array input, [input_size]
        head = None
        for array, rings in zip(model.layer_arrays, state):
            x = array.rechannel.weight[:, :, 0] @ y
            for layer, ring in zip(array.layers, rings):
                buf, pos = ring
                length = len(buf)
                buf[pos] = x                    # newest input
                w = layer.conv.weight           # [Z, C, K]
                K = w.shape[2]
                d = layer.conv.dilation[0]
                z = layer.conv.bias + layer.input_mixer.weight[:, :, 0] @ c
                for k in range(K):
                    back = (K - 1 - k) * d
                    z = z + w[:, :, k] @ buf[(pos - back) % length]
                ring[1] = (pos + 1) % length
                C = layer.channels
                if layer.gated:
                    post = torch.tanh(z[:C]) * torch.sigmoid(z[C:])
                else:
                    post = torch.tanh(z)
                x = x + layer._1x1.weight[:, :, 0] @ post + layer._1x1.bias
                head = post if head is None else head + post
            h = array.head_rechannel.weight[:, :, 0] @ head
            if array.head_rechannel.bias is not None:
                h = h + array.head_rechannel.bias
            head, y = h, x
        ys.append(model.head_scale * head)
    return torch.cat(ys)


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------

def array_cfg(input_size, channels, head_size, kernel_size, dilations, gated, head_bias):
    return dict(input_size=input_size, condition_size=1, channels=channels,
                head_size=head_size, kernel_size=kernel_size, dilations=list(dilations),
                activation="Tanh", gated=gated, head_bias=head_bias)


A1_DILATIONS = [2 ** i for i in range(10)]       # 1, 2, 4, ..., 512

CASES = [
    dict(name="wavenet_a1_standard", seed=401, T=4400, signal="guitar", loss=False,
         head_scale=0.02,
         layer_arrays=[array_cfg(1, 16, 8, 3, A1_DILATIONS, False, False),
                       array_cfg(16, 8, 1, 3, A1_DILATIONS, False, True)]),
    dict(name="wavenet_gated_small", seed=402, T=40, signal="uniform", loss=True,
         head_scale=0.5,
         layer_arrays=[array_cfg(1, 4, 3, 3, [1, 2, 4], True, False),
                       array_cfg(4, 3, 1, 2, [1, 3], True, True)]),
    dict(name="wavenet_plain_small", seed=403, T=40, signal="uniform", loss=True,
         head_scale=0.02,
         layer_arrays=[array_cfg(1, 4, 3, 3, [1, 2, 4], False, False),
                       array_cfg(4, 3, 1, 2, [1, 3], False, True)]),
]

SAMPLE_RATE = 48000.0
NOISE = 0.02            # "guitar" signal: uniform noise amplitude
TARGET_SCALE = 0.5      # targets are uniform in [-0.5, 0.5)


def uniform(n, lo=-1.0, hi=1.0):
    """Uniform in [lo, hi), float32, from the global (seeded) generator."""
    return torch.rand(n, dtype=torch.float32) * (hi - lo) + lo


def guitar_signal(T):
    """0.5 sin(2 pi 110 t / 48000) (A2) plus 0.2 sin(2 pi 330 t / 48000), under
    a decaying pluck envelope exp(-t / 2400) * 0.7 + 0.3, plus seeded uniform
    noise of amplitude NOISE.  Computed in float64, then rounded to float32."""
    t = torch.arange(T, dtype=torch.float64)
    w = 2.0 * math.pi * t / SAMPLE_RATE
    env = 0.3 + 0.7 * torch.exp(-t / 2400.0)
    s = env * (0.5 * torch.sin(110.0 * w) + 0.2 * torch.sin(330.0 * w))
    s = s + NOISE * uniform(T).double()
    assert float(s.abs().max()) <= 1.0
    return s.float()


def build(case):
    """The float32 model and data of a case.  Everything is created in float32
    after torch.manual_seed(seed); the float64 variant is these values widened."""
    torch.manual_seed(case["seed"])
    model = WaveNet(case["layer_arrays"], case["head_scale"])
    names = list(model.state_dict().keys())
    assert names == expected_param_names(case["layer_arrays"]), names
    data = {}
    if case["signal"] == "guitar":
        data["input"] = guitar_signal(case["T"])
    else:
        data["input"] = uniform(case["T"])
    if case["loss"]:
        data["target"] = uniform(case["T"], -TARGET_SCALE, TARGET_SCALE)
    return model, data


def grad_or_zeros(p):
    """p.grad, or zeros for a parameter the loss does not depend on (autograd
    leaves None there: the last array's last _1x1, whose x output is unused)."""
    return torch.zeros_like(p) if p.grad is None else p.grad


def run(case, model, data, dtype):
    """Batched forward (and loss + backward where the case has one) in dtype.
    Returns the ordered (name, tensor) records and the model used."""
    model = copy.deepcopy(model).to(dtype)
    params = list(model.state_dict(keep_vars=True).items())
    u = data["input"].to(dtype).clone().requires_grad_(case["loss"])
    with torch.set_grad_enabled(case["loss"]):
        y = model(u)
        recs = [(n, p) for n, p in params]
        recs.append(("input", u.reshape(-1, 1)))
        recs.append(("output", y.reshape(-1, 1)))
        if case["loss"]:
            target = data["target"].to(dtype)
            loss = F.mse_loss(y, target)
            loss.backward()
            recs.append(("target", target.reshape(-1, 1)))
            recs.append(("loss", loss.reshape(1)))
            for n, p in params:
                recs.append(("grad." + n, grad_or_zeros(p)))
            recs.append(("grad.input", u.grad.reshape(-1, 1)))
    return [(n, t.detach()) for n, t in recs], model


def streaming_check(case, model, data):
    """float64: the step-by-step implementation (and, with a loss, autograd
    through it) must match the batched records to TOL."""
    recs, model64 = run(case, model, data, torch.float64)
    ref = dict(recs)
    m = copy.deepcopy(model64)
    for p in m.parameters():
        p.grad = None
    u = data["input"].double().clone().requires_grad_(case["loss"])
    got = {}
    with torch.set_grad_enabled(case["loss"]):
        y = streaming_forward(m, u)
        got["output"] = y.reshape(-1, 1)
        if case["loss"]:
            loss = F.mse_loss(y, data["target"].double())
            loss.backward()
            got["loss"] = loss.reshape(1)
            for n, p in m.state_dict(keep_vars=True).items():
                got["grad." + n] = grad_or_zeros(p)
            got["grad.input"] = u.grad.reshape(-1, 1)
    worst = 0.0
    for n, t in got.items():
        assert t.shape == ref[n].shape, (case["name"], n, t.shape, ref[n].shape)
        err = float((t.detach() - ref[n]).abs().max())
        worst = max(worst, err)
        assert err <= TOL, "%s: step-by-step %s differs from batched by %g" % (case["name"], n, err)
    return worst, len(got), float(ref["output"].abs().max())


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------

def describe(case):
    lines = ["model: NAM-style WaveNet (A1 layout), %d layer arrays, head_scale = %r"
             % (len(case["layer_arrays"]), case["head_scale"])]
    for a, cfg in enumerate(case["layer_arrays"]):
        lines.append(
            "layer_arrays.%d: input_size=%d condition_size=%d channels=%d head_size=%d "
            "kernel_size=%d dilations=[%s] activation=%s gated=%s head_bias=%s"
            % (a, cfg["input_size"], cfg["condition_size"], cfg["channels"], cfg["head_size"],
               cfg["kernel_size"], ",".join(str(d) for d in cfg["dilations"]),
               cfg["activation"], cfg["gated"], cfg["head_bias"]))
    lines.append("causal: each layer's conv input is left-padded with (kernel_size-1)*dilation zeros; "
                 "receptive field %d samples" % receptive_field(case["layer_arrays"]))
    lines.append("condition of every layer = the raw input; input/output [T, 1] time major")
    if case["loss"]:
        lines.append("T = %d; seed %d; input uniform in [-1, 1); target uniform in [-%g, %g); "
                     "loss = mean_t (output_t - target_t)^2; grad.* by autograd"
                     % (case["T"], case["seed"], TARGET_SCALE, TARGET_SCALE))
    else:
        lines.append("T = %d; seed %d; input = decaying 110 Hz + 330 Hz tones at 48 kHz plus "
                     "noise (see WAVENET.md); forward only" % (case["T"], case["seed"]))
    return lines


def write_case(outdir, case, recs, dtype):
    return write_fixture(outdir, case, recs, dtype, SCRIPT, describe(case))


WAVENET_TEMPLATE = """# PyTorch reference fixtures: WaveNet (Neural Amp Modeler, A1 layout)

*Written by `tests/torch/make_wavenet_fixtures.py` along with the
`wavenet_*` fixtures. To change this file, edit the script and rerun it.*

These files are reference data for a C++ WaveNet in the layout of Neural
Amp Modeler's "A1" models: forward outputs and, for the small cases, a loss
and its autograd gradients. The PyTorch model is written in the script from
a description of the architecture; it is not NAM's code.

## How they were produced

```
python3 tests/torch/make_wavenet_fixtures.py [-q] [outdir]
```

`outdir` defaults to this folder (`tests/torch/fixtures`). The script writes
only `wavenet_*_f32.txt`, `wavenet_*_f64.txt` and this `WAVENET.md`; the
other files here (and `README.md`) belong to `make_recurrent_fixtures.py`.
It needs only `torch` and the standard library, and was run with Debian
12's `python3-torch` (PyTorch 1.13.1+dfsg) on CPU; on a machine where
`python3` is not the system interpreter, run `/usr/bin/python3`.

The output is deterministic (`torch.manual_seed` per case, one thread,
`torch.use_deterministic_algorithms(True)`, no timestamps), so two runs on
one machine are byte-identical (across instruction sets PyTorch's float32
results can differ in the last bits; see README.md). To compare the whole
folder with a fresh run, run the fixture scripts into one empty folder:

```
python3 tests/torch/make_recurrent_fixtures.py -q /tmp/fx
python3 tests/torch/make_wavenet_fixtures.py -q /tmp/fx
python3 tests/torch/make_nam_fixtures.py -q /tmp/fx
python3 tests/torch/make_safetensors_fixtures.py -q /tmp/fx/safetensors
python3 tests/torch/compare_fixtures.py tests/torch/fixtures /tmp/fx
```

Before it writes anything, the script checks every case in float64: a
second implementation that runs the model one sample at a time, with an
explicit ring of each layer's last `(K-1)*d + 1` inputs (zeros before the
start) and only matrix-vector products on the weights, must reproduce the
batched `nn.Conv1d` forward, and for the cases with a loss also the loss
and every gradient (autograd through the step-by-step code), to 1e-12. The
largest difference is @STREAM_DIFF@. So the batched output at step t is
exactly what a streaming implementation started from zero state produces.

## File format

As described in `README.md` (`tensor <name> <dtype> <rank> <dims...>
<values...>` records after `#` comment lines; f64 values are
`repr(float(v))`, f32 values `'%.9g'`; scalars have rank 1, dim 1). The
comment lines at the top of each file give the configuration.

Records come in this order:

1. Parameters, in `state_dict()` order (the script asserts that it is this
   order), under their `state_dict()` names. For each layer array `a`:
   - `layer_arrays.a.rechannel.weight` [channels, input_size, 1]
   - for each layer `l` (one per dilation):
     `layer_arrays.a.layers.l.conv.weight` [Z, channels, K],
     `layer_arrays.a.layers.l.conv.bias` [Z],
     `layer_arrays.a.layers.l.input_mixer.weight` [Z, 1, 1],
     `layer_arrays.a.layers.l._1x1.weight` [channels, channels, 1],
     `layer_arrays.a.layers.l._1x1.bias` [channels],
     with Z = 2 * channels if gated, else channels;
   - `layer_arrays.a.head_rechannel.weight` [head_size, channels, 1], then
     `layer_arrays.a.head_rechannel.bias` [head_size] if head_bias.
   1x1 convolution weights keep PyTorch's rank-3 shape [out, in, 1].
2. `input` [T, 1].
3. `output` [T, 1].
4. Cases with a loss only: `target` [T, 1], `loss` [1], then
   `grad.<param name>` for every parameter (same order and shapes as 1),
   then `grad.input` [T, 1].

## Model

Time major, one sequence, batch 1. `u` is the input [T]; PyTorch sees it as
[1, 1, T]. A **layer** with C channels, kernel K and dilation d:

```
z    = conv(x left-padded along time with (K-1)*d zeros) + input_mixer(u)   [Z, T]
post = tanh(z)                                       if not gated  (Z = C)
post = tanh(z[:C]) * sigmoid(z[C:])                  if gated      (Z = 2C)
x'   = x + _1x1(post)
```

`conv` is PyTorch's cross-correlation: `conv(x)[o, t] = bias[o] + sum_k
sum_c weight[o, c, k] * x[c, t - (K-1-k)*d]` with `x[., s] = 0` for s < 0;
tap `K-1` is the current step. The condition of **every** layer of every
array is the raw input `u` (`input_mixer`, no bias).

A **layer array**: `x = rechannel(x)`; then for each layer `x, post =
layer(x, u)` and `head = post` (first layer of the first array) or `head =
head + post`; it returns `head_rechannel(head)` and the last `x`.

The **model**: `y = u`, `head = None`; for each array `head, y = array(y,
u, head)` so array i+1 starts its head sum from array i's `head_rechannel`
output (hence head_size of array i = channels of array i+1) and takes array
i's last `x` as input. `output = head_scale * head`. The last array's
last `x` is unused, so the gradients of its last layer's `_1x1.weight` and
`_1x1.bias` are zero.

## Data

- Weights: PyTorch's default `Conv1d` initialisation (uniform in
  ±1/sqrt(in_channels * K) for weights and biases), drawn in float32 after
  `torch.manual_seed(seed)`.
- The `_f32` and `_f64` files of a case hold the same parameters, input and
  target: everything is created in float32 and the f64 file has those
  values widened exactly (so the f32 weights are the f64 weights rounded to
  float32, exactly). The f64 model is the f32 model after `.double()`.
  Outputs, loss and gradients are computed in each file's own precision
  (the f32 ones are PyTorch's float32 results). The normwise relative
  difference (max |f32 - f64| / max |f64|, tensor by tensor) is at most
  @F32_DIFF@.
- `wavenet_a1_standard` input: `(0.3 + 0.7 exp(-t/2400)) * (0.5 sin(2π·110
  t/48000) + 0.2 sin(2π·330 t/48000)) + 0.02 * noise`, noise uniform in
  [-1, 1), computed in float64 and rounded to float32. T = 4400 is longer
  than the receptive field (4093), so the last steps see a full window.
- Small cases: input uniform in [-1, 1), target uniform in [-0.5, 0.5);
  `loss = F.mse_loss(output, target)` = mean over t of (output_t -
  target_t)^2.

| case | arrays (input→channels→head, K, dilations) | gated | head_bias | head_scale | T | seed | max \\|output\\| (f64) |
|---|---|---|---|---|---|---|---|
@TABLE@

`wavenet_a1_standard` is the standard A1 configuration (@A1_PARAMS@
parameters) and has forward records only: no target, loss or gradients.
"""



def write_readme(outdir, stream_diff, f32_diff, max_out, n_params):
    rows = []
    for case in CASES:
        arrays = "; ".join("%d→%d→%d, K=%d, [%s]" % (c["input_size"], c["channels"], c["head_size"],
                                                     c["kernel_size"],
                                                     ",".join(str(d) for d in c["dilations"])
                                                     if len(c["dilations"]) <= 3 else
                                                     "1,2,…,%d" % c["dilations"][-1])
                           for c in case["layer_arrays"])
        gated = "/".join("yes" if c["gated"] else "no" for c in case["layer_arrays"])
        hb = "/".join("yes" if c["head_bias"] else "no" for c in case["layer_arrays"])
        rows.append("| `%s` | %s | %s | %s | %r | %d | %d | %.4g |"
                    % (case["name"], arrays, gated, hb, case["head_scale"], case["T"],
                       case["seed"], max_out[case["name"]]))
    text = (WAVENET_TEMPLATE
            .replace("@STREAM_DIFF@", "%.2g" % stream_diff)
            .replace("@F32_DIFF@", "%.1e" % f32_diff)
            .replace("@A1_PARAMS@", "%d" % n_params)
            .replace("@TABLE@", "\n".join(rows)))
    return write_text(outdir, "WAVENET.md", text)


def main(argv):
    args = fixture_args(argv, __doc__)

    # Cross-check every case in float64 before writing anything.
    built = []
    stream_diff = 0.0
    max_out = {}
    for case in CASES:
        model, data = build(case)
        worst, n, mo = streaming_check(case, model, data)
        stream_diff = max(stream_diff, worst)
        max_out[case["name"]] = mo
        if not args.quiet:
            print("check %-22s step-by-step vs batched (f64): %d tensors, max |diff| %.3g; "
                  "max |output| %.4g" % (case["name"], n, worst, mo))
        built.append((case, model, data))
    a1_params = sum(p.numel() for p in built[0][1].parameters())

    all_recs = write_cases(args.outdir, built, run, write_case, args.quiet)
    f32_diff, f32_where = f32_f64_difference(all_recs)
    path = write_readme(args.outdir, stream_diff, f32_diff, max_out, a1_params)
    if not args.quiet:
        print("f32 vs f64: max normwise relative difference %.2g (%s)" % (f32_diff, f32_where))
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
