#!/usr/bin/env python3
"""Write PyTorch models' weights as safetensors files, with their outputs, for hardwired.

Usage:  python3 tests/torch/make_safetensors_fixtures.py [-q] [outdir]

outdir defaults to tests/torch/fixtures/safetensors next to this script.  Writes, per case,
<case>.safetensors (the model's state_dict, F32, or F16 / BF16 for the _f16 and _bf16 cases)
and <case>_io.safetensors (F32 "input" and "output" that PyTorch computed), and the folder's
README.md.  The files are written with tools/torch_to_safetensors.py's save_safetensors, and
each case's hardwired type is checked against that tool's hardwired_type.  Needs only torch
(Debian 12 python3-torch, PyTorch 1.13) and the standard library.  The output is
deterministic: running the script twice gives byte-identical files.
tests/test_safetensors_torch.cpp loads every model with hw::io::load_safetensors and compares
hardwired's outputs with these.

Every model is first trained briefly (100 full-batch Adam steps, lr 1e-2, mean squared error
against a fixed random target function, float32), so that its weights are not just PyTorch's
initialisation.
"""

import argparse
import copy
import os
import sys

import torch
import torch.nn as nn

sys.dont_write_bytecode = True   # no __pycache__ in the source tree from the import below
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from torch_to_safetensors import (  # noqa: E402
    Concat, Residual, Sequence, hardwired_type, load_safetensors, save_safetensors)

SCRIPT = "tests/torch/make_safetensors_fixtures.py"
SAMPLES = 32         # inputs per case of independent samples
STEPS = 64           # time steps of the sequence of a recurrent or convolution case
TRAIN_SAMPLES = 64   # training set of a case of independent samples
TRAIN_STEPS = 256    # training sequence of a recurrent or convolution case
TRAIN_ITERATIONS = 100
LEARNING_RATE = 1e-2


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------

def mlp(act):
    return lambda: nn.Sequential(nn.Linear(3, 8), act(), nn.Linear(8, 2))


# name, model, hardwired type, seed; "sequence": the input is one sequence [T, features],
# run from the zero state (hw::step), else independent samples [N, features] (hw::forward).
CASES = [
    # hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::dense<2>>
    dict(name="mlp_tanh", model=mlp(nn.Tanh), seed=1,
         type="hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::sigmoid>, hw::dense<2>>
    dict(name="mlp_sigmoid", model=mlp(nn.Sigmoid), seed=2,
         type="hw::network<hw::input<3>, hw::dense<8, hw::sigmoid>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::relu>, hw::dense<2>>
    dict(name="mlp_relu", model=mlp(nn.ReLU), seed=3,
         type="hw::network<hw::input<3>, hw::dense<8, hw::relu>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::elu<>>, hw::dense<2>>
    dict(name="mlp_elu", model=mlp(nn.ELU), seed=4,
         type="hw::network<hw::input<3>, hw::dense<8, hw::elu<>>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::gelu>, hw::dense<2>>
    dict(name="mlp_gelu", model=mlp(lambda: nn.GELU(approximate="tanh")), seed=5,
         type="hw::network<hw::input<3>, hw::dense<8, hw::gelu>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::silu>, hw::dense<2>>
    dict(name="mlp_silu", model=mlp(nn.SiLU), seed=6,
         type="hw::network<hw::input<3>, hw::dense<8, hw::silu>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::softplus>, hw::dense<2>>
    dict(name="mlp_softplus", model=mlp(nn.Softplus), seed=7,
         type="hw::network<hw::input<3>, hw::dense<8, hw::softplus>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::leaky_relu<>>, hw::dense<2>>
    dict(name="mlp_leaky_relu", model=mlp(nn.LeakyReLU), seed=8,
         type="hw::network<hw::input<3>, hw::dense<8, hw::leaky_relu<>>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::log_sigmoid>, hw::dense<2>>
    dict(name="mlp_log_sigmoid", model=mlp(nn.LogSigmoid), seed=9,
         type="hw::network<hw::input<3>, hw::dense<8, hw::log_sigmoid>, hw::dense<2>>"),
    # hw::network<hw::input<3>, hw::dense<8, hw::tanh, hw::no_bias>, hw::dense<2>>
    dict(name="mlp_no_bias", seed=10,
         model=lambda: nn.Sequential(nn.Linear(3, 8, bias=False), nn.Tanh(), nn.Linear(8, 2)),
         type="hw::network<hw::input<3>, hw::dense<8, hw::tanh, hw::no_bias>, hw::dense<2>>"),
    # hw::network<hw::input<4>, hw::dense<8>, hw::layer_norm<>,
    #             hw::activation_layer<hw::tanh>, hw::dense<1>>
    dict(name="layernorm", seed=11,
         model=lambda: nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Tanh(),
                                     nn.Linear(8, 1)),
         type="hw::network<hw::input<4>, hw::dense<8>, hw::layer_norm<>, "
              "hw::activation_layer<hw::tanh>, hw::dense<1>>"),
    # Trained in train mode (batch statistics, running statistics updated), run in eval mode:
    # hw::network<hw::input<4>, hw::dense<8>, hw::frozen_batch_norm<>, hw::prelu<8>,
    #             hw::dense<4>, hw::frozen_batch_norm<1, 100, false>, hw::prelu<>,
    #             hw::dense<1>>
    dict(name="batchnorm_prelu", seed=17,
         model=lambda: nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.PReLU(8),
                                     nn.Linear(8, 4), nn.BatchNorm1d(4, eps=0.01, affine=False),
                                     nn.PReLU(), nn.Linear(4, 1)),
         type="hw::network<hw::input<4>, hw::dense<8>, hw::frozen_batch_norm<>, hw::prelu<8>, "
              "hw::dense<4>, hw::frozen_batch_norm<1, 100, false>, hw::prelu<>, hw::dense<1>>"),
    # hw::network<hw::input<4>, hw::dense<8, hw::tanh>,
    #             hw::residual<hw::dense<8, hw::tanh>, hw::dense<8>>, hw::dense<1>>
    dict(name="residual", seed=12,
         model=lambda: nn.Sequential(nn.Linear(4, 8), nn.Tanh(),
                                     Residual(nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8)),
                                     nn.Linear(8, 1)),
         type="hw::network<hw::input<4>, hw::dense<8, hw::tanh>, "
              "hw::residual<hw::dense<8, hw::tanh>, hw::dense<8>>, hw::dense<1>>"),
    # hw::network<hw::input<4>, hw::dense<6, hw::tanh>,
    #             hw::concat<hw::dense<3>, hw::chain<hw::dense<4, hw::relu>, hw::dense<2>>>,
    #             hw::dense<1>>
    dict(name="concat", seed=13,
         model=lambda: nn.Sequential(nn.Linear(4, 6), nn.Tanh(),
                                     Concat(nn.Linear(6, 3),
                                            nn.Sequential(nn.Linear(6, 4), nn.ReLU(),
                                                          nn.Linear(4, 2))),
                                     nn.Linear(5, 1)),
         type="hw::network<hw::input<4>, hw::dense<6, hw::tanh>, hw::concat<hw::dense<3>, "
              "hw::chain<hw::dense<4, hw::relu>, hw::dense<2>>>, hw::dense<1>>"),
    # hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>
    dict(name="lstm", seed=14, sequence=True,
         model=lambda: Sequence(nn.LSTM(1, 8), nn.Linear(8, 1)),
         type="hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>"),
    # hw::network<hw::input<1>, hw::gru<8>, hw::dense<1>>
    dict(name="gru", seed=15, sequence=True,
         model=lambda: Sequence(nn.GRU(1, 8), nn.Linear(8, 1)),
         type="hw::network<hw::input<1>, hw::gru<8>, hw::dense<1>>"),
    # hw::network<hw::input<1>, hw::rnn<8, hw::relu>, hw::rnn<4>, hw::dense<1>>
    dict(name="rnn", seed=17, sequence=True,
         model=lambda: Sequence(nn.RNN(1, 8, nonlinearity="relu"), nn.RNN(8, 4), nn.Linear(4, 1)),
         type="hw::network<hw::input<1>, hw::rnn<8, hw::relu>, hw::rnn<4>, hw::dense<1>>"),
    # hw::network<hw::input<2>, hw::conv1d<4, 3, 2, 1, hw::tanh>, hw::conv1d<1, 1>>
    dict(name="conv1d", seed=16, sequence=True,
         model=lambda: Sequence(nn.Conv1d(2, 4, kernel_size=3, dilation=2), nn.Tanh(),
                                nn.Conv1d(4, 1, kernel_size=1)),
         type="hw::network<hw::input<2>, hw::conv1d<4, 3, 2, 1, hw::tanh>, hw::conv1d<1, 1>>"),
]

# The mlp_tanh model, its weights stored as F16 / BF16 (hw::network<hw::input<3>,
# hw::dense<8, hw::tanh>, hw::dense<2>>): outputs computed in float32 from the rounded weights.
ROUNDED = [("mlp_tanh_f16", torch.float16, "F16"), ("mlp_tanh_bf16", torch.bfloat16, "BF16")]

PYTORCH_MODELS = {
    "mlp_tanh": "`Sequential(Linear(3, 8), Tanh(), Linear(8, 2))`",
    "mlp_sigmoid": "the same with `Sigmoid()`",
    "mlp_relu": "the same with `ReLU()`",
    "mlp_elu": "the same with `ELU()`",
    "mlp_gelu": "the same with `GELU(approximate='tanh')`",
    "mlp_silu": "the same with `SiLU()`",
    "mlp_softplus": "the same with `Softplus()`",
    "mlp_leaky_relu": "the same with `LeakyReLU()`",
    "mlp_log_sigmoid": "the same with `LogSigmoid()`",
    "mlp_no_bias": "`Sequential(Linear(3, 8, bias=False), Tanh(), Linear(8, 2))`",
    "layernorm": "`Sequential(Linear(4, 8), LayerNorm(8), Tanh(), Linear(8, 1))`",
    "batchnorm_prelu": "`Sequential(Linear(4, 8), BatchNorm1d(8), PReLU(8), Linear(8, 4), "
                       "BatchNorm1d(4, eps=0.01, affine=False), PReLU(), Linear(4, 1))`, trained "
                       "in train mode, run in eval mode",
    "residual": "`Sequential(Linear(4, 8), Tanh(), Residual(Linear(8, 8), Tanh(), "
                "Linear(8, 8)), Linear(8, 1))`",
    "concat": "`Sequential(Linear(4, 6), Tanh(), Concat(Linear(6, 3), Sequential(Linear(6, 4), "
              "ReLU(), Linear(4, 2))), Linear(5, 1))`",
    "lstm": "`Sequence(LSTM(1, 8), Linear(8, 1))`",
    "gru": "`Sequence(GRU(1, 8), Linear(8, 1))`",
    "rnn": "`Sequence(RNN(1, 8, nonlinearity='relu'), RNN(8, 4), Linear(4, 1))`",
    "conv1d": "`Sequence(Conv1d(2, 4, kernel_size=3, dilation=2), Tanh(), "
              "Conv1d(4, 1, kernel_size=1))`, causal",
    "mlp_tanh_f16": "`mlp_tanh`'s model, weights rounded to float16",
    "mlp_tanh_bf16": "`mlp_tanh`'s model, weights rounded to bfloat16",
}


def uniform(shape, lo, hi):
    """Uniform in [lo, hi), float32, from the global (seeded) generator."""
    return torch.rand(*shape, dtype=torch.float32) * (hi - lo) + lo


def in_out(model):
    """The model's numbers of inputs and outputs (its first and last layers')."""
    layers = [m for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv1d, nn.RNNBase))]
    first, last = layers[0], layers[-1]
    inputs = getattr(first, "in_features", getattr(first, "in_channels",
                                                   getattr(first, "input_size", None)))
    outputs = getattr(last, "out_features", getattr(last, "out_channels", None))
    return inputs, outputs


def target_function(inputs, outputs, sequence):
    """A fixed random target, drawn from the global generator: for samples
    sin(x·A + b); for a sequence a smoothed (one-pole, 0.8) projection of the input through
    tanh, so that the target depends on the past."""
    a = uniform((inputs, outputs), -1.5, 1.5)
    b = uniform((outputs,), -0.5, 0.5)

    def samples(x):
        return torch.sin(x @ a + b)

    def steps(x):
        s = torch.zeros(outputs)
        ys = []
        for t in range(x.shape[0]):
            s = 0.8 * s + 0.2 * (x[t] @ a)
            ys.append(torch.tanh(2 * s + b))
        return torch.stack(ys)

    return steps if sequence else samples


def train(case):
    """The case's model, trained deterministically, with its fresh input and PyTorch's
    output, and the first and last training losses."""
    torch.manual_seed(case["seed"])
    model = case["model"]()
    inputs, outputs = in_out(model)
    sequence = case.get("sequence", False)
    target = target_function(inputs, outputs, sequence)
    if sequence:
        x_train = uniform((TRAIN_STEPS, inputs), -1, 1)
    else:
        x_train = uniform((TRAIN_SAMPLES, inputs), -2, 2)
    y_train = target(x_train)
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    losses = []
    for _ in range(TRAIN_ITERATIONS):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x_train), y_train)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    model.eval()
    x = uniform((STEPS, inputs), -1, 1) if sequence else uniform((SAMPLES, inputs), -2, 2)
    with torch.no_grad():
        y = model(x)
    assert y.shape == (x.shape[0], outputs), (case["name"], y.shape)
    return model, x, y, (losses[0], losses[-1])


def rounded(model, dtype):
    """The model's state_dict rounded to dtype, and a float32 copy of the model with those
    weights."""
    state = {k: v.detach().to(dtype) for k, v in model.state_dict().items()}
    copy_ = copy.deepcopy(model)
    copy_.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    return state, copy_


def write(outdir, name, state, x, y, quiet):
    """<name>.safetensors (state) and <name>_io.safetensors (input, output); checks that
    both read back exactly."""
    files = [(name + ".safetensors", state),
             (name + "_io.safetensors", {"input": x.contiguous(), "output": y.contiguous()})]
    for file, tensors in files:
        path = os.path.join(outdir, file)
        save_safetensors(tensors, path)
        back = load_safetensors(path)
        assert list(back) == list(tensors), (path, list(back))
        for k, t in tensors.items():
            assert back[k].dtype == t.dtype and torch.equal(back[k], t), (path, k)
        if not quiet:
            print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


# ----------------------------------------------------------------------------
# README
# ----------------------------------------------------------------------------

README_TEMPLATE = """# PyTorch models as safetensors files

*Written by `tests/torch/make_safetensors_fixtures.py` along with the
fixtures. To change this file, edit the script and rerun it.*

PyTorch models' weights, in the files hardwired loads with
`hw::io::load_safetensors`, and the outputs PyTorch computed with them.
`tests/test_safetensors_torch.cpp` loads each model into its hardwired
network, runs the inputs through it and compares the outputs with these.

## How they were produced

```
python3 tests/torch/make_safetensors_fixtures.py [-q] [outdir]
```

`outdir` defaults to this folder (`tests/torch/fixtures/safetensors`). The
script needs only `torch` and the standard library; it writes the files
with `save_safetensors` of `tools/torch_to_safetensors.py` (no `safetensors`
package), and checks each case's hardwired type against that tool's
`hardwired_type`. Like the other fixture scripts it runs single-threaded
with `torch.use_deterministic_algorithms(True)` and every case seeds
`torch.manual_seed`, so two runs on one machine give byte-identical files
(`torch.recurrent_fixtures_regenerate` regenerates this folder and compares
it with `compare_fixtures.py`, values within a tenth of the tests'
tolerances, since PyTorch's float32 results can differ in the last bits
between instruction sets). The committed files were produced with Debian 12's
`python3-torch` (PyTorch 1.13) on CPU.

Every model is first trained, so that its weights are not just PyTorch's
initialisation: @ITERATIONS@ full-batch Adam steps (lr @LR@, float32) on the
mean squared error against a fixed random target, `sin(x·A + b)` for the
models of independent samples (@TRAIN_SAMPLES@ inputs uniform in [-2, 2)),
a one-pole smoothed `tanh` of a random projection of the input for the
sequence models (one sequence of @TRAIN_STEPS@ steps uniform in [-1, 1)).

## Files

For every case:

- `<case>.safetensors`: the model's `state_dict()`, F32 (F16 or BF16 for the
  `_f16` and `_bf16` cases), PyTorch's names and shapes (Linear `weight`
  [out, in], Conv1d `weight` [out, in/groups, K], LayerNorm `weight` and
  `bias` [n], LSTM / GRU `weight_ih_l0` [G·H, in], `weight_hh_l0` [G·H, H],
  `bias_ih_l0` and `bias_hh_l0` [G·H]), no metadata. These are hardwired's
  names of the equivalent network (`include/hardwired/io/names.hpp`).
- `<case>_io.safetensors`: F32 `input` and `output`, computed by PyTorch in
  float32 with the model in eval mode. For the models of independent
  samples, `input` is [@SAMPLES@, in], uniform in [-2, 2), one sample per
  row, and `output` [@SAMPLES@, out]. For the sequence models (LSTM, GRU,
  Conv1d) `input` is one sequence of @STEPS@ time steps [@STEPS@, in], uniform
  in [-1, 1), run from the zero state (hardwired: `hw::step` with a fresh
  `hw::state`), and `output` [@STEPS@, out] is the output of every step.

`Residual`, `Concat` and `Sequence` are the containers of
`tools/torch_to_safetensors.py`: `Residual` an `nn.Sequential` whose forward
is `x + layers(x)`, `Concat` an `nn.ModuleList` whose forward concatenates
its branches' outputs, `Sequence` an `nn.Sequential` over one sequence
[T, features], time major, that runs `nn.LSTM` and `nn.GRU` over the steps
(batch 1) and `nn.Conv1d` causally (its input left-padded with
(K - 1)·dilation zeros), like hardwired's `hw::conv1d`.

| case | PyTorch model | hardwired network | last training loss (first) |
|---|---|---|---|
@TABLE@

The `_f16` and `_bf16` cases hold `mlp_tanh`'s trained weights rounded to
float16 / bfloat16; their outputs are computed in float32 from the rounded
weights (so they are exact in hardwired's float parameters too), for the
same inputs as `mlp_tanh`.
"""


def write_readme(outdir, rows):
    table = "\n".join("| `%s` | %s | `%s` | %s |" % row for row in rows)
    text = (README_TEMPLATE
            .replace("@TABLE@", table)
            .replace("@ITERATIONS@", str(TRAIN_ITERATIONS))
            .replace("@LR@", "%g" % LEARNING_RATE)
            .replace("@TRAIN_SAMPLES@", str(TRAIN_SAMPLES))
            .replace("@TRAIN_STEPS@", str(TRAIN_STEPS))
            .replace("@SAMPLES@", str(SAMPLES))
            .replace("@STEPS@", str(STEPS)))
    assert "@" not in text
    path = os.path.join(outdir, "README.md")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


# ----------------------------------------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", nargs="?", default=os.path.join(HERE, "fixtures", "safetensors"))
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)
    os.makedirs(args.outdir, exist_ok=True)

    rows = []
    trained = {}
    for case in CASES:
        name = case["name"]
        model, x, y, (first, last) = train(case)
        typename = hardwired_type(model, x.shape[1])
        assert typename == case["type"], "%s: hardwired_type gives %s, expected %s" % (
            name, typename, case["type"])
        # A BatchNorm's step counter (an integer) is no parameter of hw::frozen_batch_norm, as
        # tools/torch_to_safetensors.py leaves it out.
        state = {k: v for k, v in model.state_dict().items()
                 if not k.endswith("num_batches_tracked")}
        write(args.outdir, name, state, x, y, args.quiet)
        trained[name] = (model, x)
        rows.append((name, PYTORCH_MODELS[name], typename, "%.3g (%.3g)" % (last, first)))
        if not args.quiet:
            print("%-16s %s, training loss %.3g -> %.3g" % (name, typename, first, last))

    model, x = trained["mlp_tanh"]
    for name, dtype, _ in ROUNDED:
        state, model_rounded = rounded(model, dtype)
        with torch.no_grad():
            y = model_rounded(x)
        write(args.outdir, name, state, x, y, args.quiet)
        rows.append((name, PYTORCH_MODELS[name], hardwired_type(model_rounded, x.shape[1]), "–"))

    path = write_readme(args.outdir, rows)
    if not args.quiet:
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
