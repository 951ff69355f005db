#!/usr/bin/env python3
"""Write PyTorch reference outputs for the Neural Amp Modeler model files.

Usage:  python3 tests/torch/make_nam_fixtures.py [-q] [outdir]

outdir defaults to tests/torch/fixtures next to this script.  For every
.nam file of tests/fixtures/nam (model files from Neural Amp Modeler Core,
unchanged) the script builds the model in PyTorch from the file's
architecture description and flat weight list, runs it in float64 on a
fixed guitar-like input, and writes nam_<stem>_f64.txt; it also writes the
folder's NAM.md; it leaves the other files there alone.  A WaveNet's
output is given twice: from zero layer histories, and as NAM runs it,
after a prewarm on silence.  Needs only torch (Debian 12 python3-torch,
PyTorch 1.13) and the standard library.  The output is deterministic:
running the script twice gives byte-identical files.  The file format is that of make_recurrent_fixtures.py (see
fixtures/README.md); the writer and the WaveNet module are imported from
make_recurrent_fixtures.py and make_wavenet_fixtures.py.

Before writing anything the script checks, in float64: for a WaveNet, that
the step-by-step implementation of make_wavenet_fixtures.py reproduces the
batched module's output to 1e-12; for an LSTM, that a loop of the LSTM
equations written directly on NAM's flat layout reproduces nn.LSTM (loaded
from that layout) to 1e-12, and that the file's initial state is a fixed
point of the cell under zero input (NAM's exporter takes it from a burn-in
on silence), which pins down the weight layout.
"""

import copy
import glob
import itertools
import json
import os
import sys

import torch
import torch.nn as nn

sys.dont_write_bytecode = True   # no __pycache__ in the source tree from the imports below
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_recurrent_fixtures import (  # noqa: E402  (no side effects on import)
    f32_f64_difference, fixture_args, write_case as write_fixture, write_text)
from make_wavenet_fixtures import (  # noqa: E402
    WaveNet, describe as describe_wavenet, expected_param_names, guitar_signal, receptive_field,
    streaming_forward)

SCRIPT = "tests/torch/make_nam_fixtures.py"
NAM_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "fixtures", "nam")
TOL = 1e-12              # second implementation vs the PyTorch module, float64
FIXED_POINT_TOL = 1e-6   # LSTM initial state vs one cell step on zero input
SEED = 500               # the noise of the input signal

# Every .nam file of NAM_DIR must be listed here (the script checks), with its input length.
LENGTHS = {
    "lstm": 512,
    "wavenet": 512,
    "wavenet_a1_standard": 4400,     # > the receptive field, 4093
}


# ----------------------------------------------------------------------------
# .nam files
# ----------------------------------------------------------------------------

def load_nam(stem):
    path = os.path.join(NAM_DIR, stem + ".nam")
    with open(path, encoding="utf-8") as f:
        nam = json.load(f)
    assert {"version", "architecture", "config", "weights"} <= set(nam), (stem, sorted(nam))
    assert set(nam) <= {"version", "architecture", "config", "weights", "sample_rate",
                        "metadata"}, (stem, sorted(nam))
    w = torch.tensor(nam["weights"], dtype=torch.float64)
    assert w.dim() == 1 and all(isinstance(v, float) for v in nam["weights"]), stem
    # NAM exports float32 parameters: every weight is a float32 value, so the
    # float64 model below holds exactly the file's values and the float32 one
    # holds them too.
    assert torch.equal(w.float().double(), w), stem
    nam["stem"] = stem
    nam["w"] = w
    return nam


def build_wavenet(nam):
    """The float64 WaveNet of a .nam file.  The weights are the module's
    parameters in state_dict order, each flattened row-major (PyTorch's
    shapes: Conv1d weight [out, in, K]), then the head scale."""
    cfg = nam["config"]
    assert set(cfg) == {"layers", "head", "head_scale"}, sorted(cfg)
    assert cfg["head"] is None
    for array in cfg["layers"]:
        assert set(array) == {"input_size", "condition_size", "head_size", "channels",
                              "kernel_size", "dilations", "activation", "gated",
                              "head_bias"}, sorted(array)
        assert array["activation"] == "Tanh" and array["condition_size"] == 1, array
    model = WaveNet(cfg["layers"], None).double()
    params = model.state_dict()
    assert list(params) == expected_param_names(cfg["layers"])
    w = nam["w"]
    n = sum(p.numel() for p in params.values())
    assert w.numel() == n + 1, (nam["stem"], w.numel(), n)
    offset = 0
    with torch.no_grad():
        for p in params.values():
            p.copy_(w[offset:offset + p.numel()].reshape(p.shape))
            offset += p.numel()
    # The last weight is the head scale that NAM's runtime uses; the config's
    # head_scale is the same number before rounding to float32.
    head_scale = float(w[n])
    assert head_scale == float(torch.tensor(cfg["head_scale"], dtype=torch.float32)), head_scale
    model.head_scale = head_scale
    return model


class NamLSTM(nn.Module):
    """nn.LSTM (time major, batch 1) from learned initial states, then
    nn.Linear(hidden, 1) on every step's top-layer h."""

    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers)
        self.head = nn.Linear(hidden_size, 1)
        self.initial_hidden = nn.Parameter(torch.zeros(num_layers, hidden_size))
        self.initial_cell = nn.Parameter(torch.zeros(num_layers, hidden_size))

    def forward(self, u):                       # u [T] -> y [T]
        x = u.reshape(-1, 1, 1)
        h, _ = self.lstm(x, (self.initial_hidden.unsqueeze(1), self.initial_cell.unsqueeze(1)))
        return self.head(h[:, 0]).reshape(-1)


def lstm_sizes(nam):
    cfg = nam["config"]
    assert set(cfg) == {"input_size", "hidden_size", "num_layers"}, sorted(cfg)
    I, H, L = cfg["input_size"], cfg["hidden_size"], cfg["num_layers"]
    assert I == 1, "a NAM model has one input channel"
    return I, H, L


def lstm_layout(nam):
    """NAM's flat LSTM layout, as (name, layer, shape) in order: per layer
    the matrix [4H, in_l + H] (columns: the layer's input, then h; rows:
    gates i, f, g, o), the bias [4H] (b_ih + b_hh), the initial h [H], the
    initial c [H]; then the head's weight [H] and bias [1]."""
    I, H, L = lstm_sizes(nam)
    layout = []
    for l in range(L):
        in_l = I if l == 0 else H
        layout += [("w", l, (4 * H, in_l + H)), ("b", l, (4 * H,)),
                   ("h0", l, (H,)), ("c0", l, (H,))]
    layout += [("head_w", None, (H,)), ("head_b", None, (1,))]
    return layout


def split_lstm(nam):
    """The flat weights cut up by lstm_layout: {(name, layer): tensor}."""
    w = nam["w"]
    layout = lstm_layout(nam)
    n = sum(torch.Size(shape).numel() for _, _, shape in layout)
    assert w.numel() == n, (nam["stem"], w.numel(), n)
    parts, offset = {}, 0
    for name, l, shape in layout:
        size = torch.Size(shape).numel()
        parts[(name, l)] = w[offset:offset + size].reshape(shape)
        offset += size
    return parts


def build_lstm(nam):
    """The float64 NamLSTM of a .nam file: weight_ih / weight_hh are the
    matrix's first in_l / last H columns, bias_ih the file's bias, bias_hh zero."""
    I, H, L = lstm_sizes(nam)
    parts = split_lstm(nam)
    model = NamLSTM(I, H, L).double()
    with torch.no_grad():
        for l in range(L):
            in_l = I if l == 0 else H
            m = parts[("w", l)]
            getattr(model.lstm, "weight_ih_l%d" % l).copy_(m[:, :in_l])
            getattr(model.lstm, "weight_hh_l%d" % l).copy_(m[:, in_l:])
            getattr(model.lstm, "bias_ih_l%d" % l).copy_(parts[("b", l)])
            getattr(model.lstm, "bias_hh_l%d" % l).zero_()
            model.initial_hidden[l].copy_(parts[("h0", l)])
            model.initial_cell[l].copy_(parts[("c0", l)])
        model.head.weight.copy_(parts[("head_w", None)].reshape(1, H))
        model.head.bias.copy_(parts[("head_b", None)])
    return model


# ----------------------------------------------------------------------------
# LSTM checks on the flat layout (plain tensor ops, no nn.LSTM)
# ----------------------------------------------------------------------------

def nam_lstm_step(parts, L, x, h, c, order="ifgo"):
    """One time step of every layer, on NAM's layout: ifgo = W [x; h] + b
    (`order` names the gates of the row blocks; NAM's is "ifgo").
    x [I]; h, c lists of [H].  Returns the new h, c lists."""
    h, c = list(h), list(c)
    for l in range(L):
        pre = parts[("w", l)] @ torch.cat([x, h[l]]) + parts[("b", l)]
        blocks = dict(zip(order, pre.chunk(4)))
        i, f, g, o = (blocks[k] for k in "ifgo")
        c[l] = torch.sigmoid(f) * c[l] + torch.sigmoid(i) * torch.tanh(g)
        h[l] = torch.sigmoid(o) * torch.tanh(c[l])
        x = h[l]
    return h, c


def nam_lstm_loop(nam, u):
    """The model one sample at a time from the file's initial state.  u [T] -> y [T]."""
    _, _, L = lstm_sizes(nam)
    parts = split_lstm(nam)
    h = [parts[("h0", l)] for l in range(L)]
    c = [parts[("c0", l)] for l in range(L)]
    ys = []
    for t in range(u.shape[0]):
        h, c = nam_lstm_step(parts, L, u[t].reshape(1), h, c)
        ys.append(parts[("head_w", None)] @ h[-1] + parts[("head_b", None)])
    return torch.cat(ys)


def lstm_fixed_point_residual(nam, reading="row-major", swap=False, order="ifgo"):
    """max |state after one step on zero input - initial state|.  NAM's
    exporter runs the trained LSTM over 48000 zeros and stores the final
    state as the initial one, so for NAM's layout this is float32 rounding
    only.  The other arguments read the weights in another layout: the
    matrix column-major ("column-major") or as W_ih [4H, in] then W_hh
    [4H, H] ("ih-then-hh"), h and c swapped, the gates in another order."""
    I, H, L = lstm_sizes(nam)
    parts = dict(split_lstm(nam))
    for l in range(L):
        in_l = I if l == 0 else H
        flat = parts[("w", l)].reshape(-1)
        if reading == "column-major":
            parts[("w", l)] = flat.reshape(in_l + H, 4 * H).t()
        elif reading == "ih-then-hh":
            parts[("w", l)] = torch.cat([flat[:4 * H * in_l].reshape(4 * H, in_l),
                                         flat[4 * H * in_l:].reshape(4 * H, H)], dim=1)
        else:
            assert reading == "row-major", reading
    h0 = [parts[("h0", l)] for l in range(L)]
    c0 = [parts[("c0", l)] for l in range(L)]
    if swap:
        h0, c0 = c0, h0
    h, c = nam_lstm_step(parts, L, torch.zeros(I, dtype=torch.float64), h0, c0, order)
    return max(float((a - b).abs().max()) for a, b in zip(h + c, h0 + c0))


def lstm_other_layouts(nam):
    """The smallest fixed-point residual of the 143 other layouts (gate
    orders x h/c swapped or not x the three readings of the matrix)."""
    return min(lstm_fixed_point_residual(nam, reading, swap, "".join(order))
               for reading in ("row-major", "column-major", "ih-then-hh")
               for swap in (False, True)
               for order in itertools.permutations("ifgo")
               if (reading, swap, "".join(order)) != ("row-major", False, "ifgo"))


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------

def build(stem):
    nam = load_nam(stem)
    case = dict(name="nam_" + stem, stem=stem, T=LENGTHS[stem], arch=nam["architecture"], nam=nam)
    if nam["architecture"] == "WaveNet":
        model = build_wavenet(nam)
        case["receptive_field"] = receptive_field(nam["config"]["layers"])
        assert case["T"] > case["receptive_field"], stem   # the last steps see a full window
    elif nam["architecture"] == "LSTM":
        model = build_lstm(nam)
    else:
        raise AssertionError("%s: unknown architecture %r" % (stem, nam["architecture"]))
    case["n_params"] = nam["w"].numel()
    torch.manual_seed(SEED)
    u = guitar_signal(case["T"])                # float32
    return case, model, u


def forward(model, u, dtype, prewarm=0):
    """The model's output for u in dtype, after `prewarm` samples of silence
    (which are dropped from the output)."""
    m = copy.deepcopy(model).to(dtype)
    x = torch.cat([torch.zeros(prewarm, dtype=dtype), u.to(dtype)])
    with torch.no_grad():
        return m(x)[prewarm:]


def outputs(case, model, u, dtype):
    """[("output", y)] and, for a WaveNet, ("output_prewarmed", y after
    receptive_field - 1 samples of silence)."""
    recs = [("output", forward(model, u, dtype))]
    if case["arch"] == "WaveNet":
        recs.append(("output_prewarmed", forward(model, u, dtype, case["receptive_field"] - 1)))
    return recs


def check(case, model, u):
    """float64: the second implementation must match the module to TOL.
    Returns (largest difference, description)."""
    u64 = u.double()
    with torch.no_grad():
        y = model(u64)
        if case["arch"] == "WaveNet":
            got = streaming_forward(model, u64)
            what = "step-by-step vs batched"
        else:
            got = nam_lstm_loop(case["nam"], u64)
            what = "loop on NAM's layout vs nn.LSTM"
    err = float((got - y).abs().max())
    assert err <= TOL, "%s: %s differs by %g" % (case["name"], what, err)
    if case["arch"] == "WaveNet":
        # Prewarmed: receptive_field - 1 samples of silence fill every layer's
        # history; a longer prewarm changes nothing, and from sample
        # receptive_field - 1 on the zero-history output is the same.
        P = case["receptive_field"] - 1
        pre = forward(model, u64, torch.float64, P)
        longer = forward(model, u64, torch.float64, P + 100)
        assert float((pre - longer).abs().max()) <= TOL, case["name"]
        assert float((pre[P:] - y[P:]).abs().max()) <= TOL, case["name"]
        case["prewarm_effect"] = float((pre - y).abs().max())
        case["max_output_prewarmed"] = float(pre.abs().max())
    if case["arch"] == "LSTM":
        residual = lstm_fixed_point_residual(case["nam"])
        assert residual <= FIXED_POINT_TOL, "%s: initial state is no fixed point (%g)" % (
            case["name"], residual)
        case["fixed_point"] = residual
        case["other_layouts"] = lstm_other_layouts(case["nam"])
        assert case["other_layouts"] > 1000 * FIXED_POINT_TOL, case["other_layouts"]
    case["max_output"] = float(y.abs().max())
    return err, what


def records(case, model, u, outs):
    recs = [("input", u.double())]
    if case["arch"] == "LSTM":
        recs.append(("initial_hidden", model.initial_hidden.detach().reshape(-1)))
        recs.append(("initial_cell", model.initial_cell.detach().reshape(-1)))
    return recs + outs


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------

def describe(case, model):
    nam = case["nam"]
    lines = ["source: tests/fixtures/nam/%s.nam (Neural Amp Modeler, version %s, architecture %s, "
             "%d weights)" % (case["stem"], nam["version"], nam["architecture"], case["n_params"]),
             "config: " + json.dumps(nam["config"], sort_keys=True, separators=(",", ":"))]
    if case["arch"] == "WaveNet":
        # make_wavenet_fixtures.py's description of the module, without its data line
        wavenet = describe_wavenet(dict(layer_arrays=nam["config"]["layers"],
                                        head_scale=model.head_scale, loss=False,
                                        T=case["T"], seed=SEED))[:-1]
        assert wavenet[-1].startswith("condition of every layer = the raw input;"), wavenet[-1]
        wavenet[-1] = "condition of every layer = the raw input"
        lines += wavenet
        lines.append("head_scale = the last weight (float32 of the config's head_scale)")
        lines.append("input [T]; output [T] from zero layer histories (as above); "
                     "output_prewarmed [T] after %d samples of silence, as NAM runs it "
                     "(the two agree from sample %d on)" % ((case["receptive_field"] - 1,) * 2))
    else:
        I, H, L = lstm_sizes(nam)
        lines.append("model: nn.LSTM(%d, %d, num_layers=%d) from the file's initial state, then "
                     "nn.Linear(%d, 1) on every step's h" % (I, H, L, H))
        lines.append("input [T], initial_hidden and initial_cell [num_layers * hidden] "
                     "(layer-major), output [T]")
    lines.append("T = %d; input = guitar_signal(T) of make_wavenet_fixtures.py after "
                 "torch.manual_seed(%d) (see NAM.md); forward only, float64" % (case["T"], SEED))
    return lines


NAM_TEMPLATE = """# PyTorch reference outputs: Neural Amp Modeler model files

*Written by `tests/torch/make_nam_fixtures.py` along with the `nam_*`
fixtures. To change this file, edit the script and rerun it.*

These files hold the outputs of the Neural Amp Modeler model files of
`tests/fixtures/nam` (from Neural Amp Modeler Core, unchanged) for a fixed
input, computed in float64 by PyTorch modules that the script builds from
each file's architecture description and flat weight list. The modules are
written in the scripts, not taken from NAM.

## How they were produced

```
python3 tests/torch/make_nam_fixtures.py [-q] [outdir]
```

`outdir` defaults to this folder (`tests/torch/fixtures`). The script writes
only `nam_*_f64.txt` and this `NAM.md`. It reads the model files from
`tests/fixtures/nam`, needs only `torch` and the standard library, and was
run with Debian 12's `python3-torch` (PyTorch 1.13.1+dfsg) on CPU; on a
machine where `python3` is not the system interpreter, run
`/usr/bin/python3`. The output is deterministic (one thread,
`torch.use_deterministic_algorithms(True)`, a fixed seed, no timestamps).

Before it writes anything the script checks every file in float64:

- WaveNet: the step-by-step implementation of `make_wavenet_fixtures.py`
  (a ring of each layer's past inputs, matrix-vector products only)
  reproduces the batched `nn.Conv1d` module to 1e-12.
- LSTM: a loop of the LSTM equations written directly on NAM's flat layout
  reproduces `nn.LSTM` loaded from that layout to 1e-12; and the file's
  initial state is a fixed point of the cells under zero input, to 1e-6
  (NAM's exporter takes it from a run over 48000 samples of silence). This
  pins the layout down: of the 144 layouts that permute the gates, swap h
  and c, or read the matrix column-major or as W_ih then W_hh, only the one
  below gives a fixed point; the script asserts that every other one misses
  by more than 1e-3.

The largest difference of the first checks is @CHECK_DIFF@. The LSTM's
initial state is a fixed point to @FIXED_POINT@; the best of the other
layouts misses by @OTHER_LAYOUTS@.

## Records

As described in `README.md` (`tensor <name> f64 <rank> <dims...>
<values...>` after `#` comment lines that give the file and its
configuration). In order:

1. `input` [T]
2. LSTM only: `initial_hidden`, `initial_cell` [num_layers * hidden], layer
   by layer: the initial state stored in the model file.
3. `output` [T]: the model run over `input` as one sequence from its
   initial state. For a WaveNet that is every layer's history of past
   inputs at zero (PyTorch's `Conv1d` on inputs left-padded with zeros,
   layer by layer), the convention of `WAVENET.md`; for an LSTM it is the
   file's initial state.
4. WaveNet only: `output_prewarmed` [T]: the output as NAM computes it. NAM
   runs a model on silence before use (`prewarm` in NAM Core; the Python
   trainer left-pads the input with zeros instead), which fills every
   layer's history with the layers' response to silence, not with zeros.
   The script computes it as the model's output for `receptive_field - 1`
   zeros followed by `input`, without those first samples (it checks that a
   longer run of silence changes nothing). It equals `output` from sample
   `receptive_field - 1` on; before that the two differ, by up to:
   @PREWARM_EFFECT@.
   An LSTM needs no such record: its initial state is already the state
   after silence (see above).

## Weight layout of the `.nam` files

All weights are float32 values (the script checks), so the float64 model
holds them exactly.

- **WaveNet**: the parameters of the module in `make_wavenet_fixtures.py`
  in `state_dict` order (see `WAVENET.md`), each flattened row-major in
  PyTorch's shape (`Conv1d` weight [out, in, kernel], then its bias where it
  has one), and then one more value, the head scale. The head scale used is
  that last weight; it is the config's `head_scale` rounded to float32
  (0.02 becomes 0.019999999552965164). The config's `head` is null.
- **LSTM**: for each layer l: the matrix [4H, in_l + H] row-major, whose
  first in_l columns act on the layer's input and last H on h (that is
  `cat([weight_ih_l, weight_hh_l], dim=1)`; rows in PyTorch's gate order i,
  f, g, o); the bias [4H] (`bias_ih + bias_hh`); the initial h [H]; the
  initial c [H]. Then the head `Linear(H, 1)`: weight [H], bias [1].
  The model starts from those initial states, not from zero.

## Data

- Input: `guitar_signal(T)` of `make_wavenet_fixtures.py` after
  `torch.manual_seed(@SEED@)`: `(0.3 + 0.7 exp(-t/2400)) * (0.5 sin(2π·110
  t/48000) + 0.2 sin(2π·330 t/48000)) + 0.02 * noise`, noise uniform in
  [-1, 1), computed in float64 and rounded to float32 (so the record holds
  float32 values).
- Outputs in float64. The same models and input in float32 (PyTorch's own
  float32 computation) differ from them by at most @F32_DIFF@ normwise
  (max |f32 - f64| / max |f64|).

| file | architecture | weights | T | receptive field | max \\|output\\| | max \\|output_prewarmed\\| | f32 vs f64 |
|---|---|---|---|---|---|---|---|
@TABLE@
"""


def write_doc(outdir, built, check_diff, fixed_point, other_layouts, f32_diff,
              per_case):
    rows = []
    prewarm_effect = ", ".join("%.2g (`%s.nam`)" % (case["prewarm_effect"], case["stem"])
                               for case, _, _ in built if "prewarm_effect" in case)
    for case, _, _ in built:
        prewarmed = ("%.4g" % case["max_output_prewarmed"]
                     if "max_output_prewarmed" in case else "–")
        rows.append("| `%s.nam` | %s | %d | %d | %s | %.4g | %s | %.1e |"
                    % (case["stem"], case["arch"], case["n_params"], case["T"],
                       case.get("receptive_field", "–"), case["max_output"], prewarmed,
                       per_case[case["name"]]))
    text = (NAM_TEMPLATE
            .replace("@CHECK_DIFF@", "%.2g" % check_diff)
            .replace("@FIXED_POINT@", "%.1e" % fixed_point)
            .replace("@OTHER_LAYOUTS@", "%.2g" % other_layouts)
            .replace("@SEED@", "%d" % SEED)
            .replace("@PREWARM_EFFECT@", prewarm_effect)
            .replace("@F32_DIFF@", "%.1e" % f32_diff)
            .replace("@TABLE@", "\n".join(rows)))
    return write_text(outdir, "NAM.md", text)


def main(argv):
    args = fixture_args(argv, __doc__)

    stems = sorted(os.path.splitext(os.path.basename(p))[0]
                   for p in glob.glob(os.path.join(NAM_DIR, "*.nam")))
    assert stems == sorted(LENGTHS), "tests/fixtures/nam holds %s; LENGTHS lists %s" % (
        stems, sorted(LENGTHS))

    # Cross-check every file in float64 before writing anything.
    built = []
    check_diff, fixed_point = 0.0, 0.0
    for stem in stems:
        case, model, u = build(stem)
        err, what = check(case, model, u)
        check_diff = max(check_diff, err)
        fixed_point = max(fixed_point, case.get("fixed_point", 0.0))
        if not args.quiet:
            extra = ("; initial state fixed point to %.2g (other layouts: %.2g)"
                     % (case["fixed_point"], case["other_layouts"]) if "fixed_point" in case else "")
            if "prewarm_effect" in case:
                extra = "; prewarm changes the output by up to %.3g" % case["prewarm_effect"]
            print("check %-28s %s (f64): max |diff| %.3g%s; max |output| %.4g"
                  % (case["name"], what, err, extra, case["max_output"]))
        built.append((case, model, u))

    os.makedirs(args.outdir, exist_ok=True)
    all_recs, per_case = {}, {}
    for case, model, u in built:
        out64 = outputs(case, model, u, torch.float64)
        out32 = outputs(case, model, u, torch.float32)
        all_recs[case["stem"] + ".nam"] = (out32, out64)
        per_case[case["name"]], _ = f32_f64_difference({case["name"]: (out32, out64)})
        path = write_fixture(args.outdir, case, records(case, model, u, out64), torch.float64,
                             SCRIPT, describe(case, model))
        if not args.quiet:
            print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
            for (n, y32), (_, y64) in zip(out32, out64):
                print("  %-16s f32 vs f64: max |diff| / max |f64| = %.2g, max |diff| = %.2g"
                      % (n, float((y32.double() - y64).abs().max()) / float(y64.abs().max()),
                         float((y32.double() - y64).abs().max())))
    f32_diff, f32_where = f32_f64_difference(all_recs)
    other_layouts = min(case["other_layouts"] for case, _, _ in built if "other_layouts" in case)
    path = write_doc(args.outdir, built, check_diff, fixed_point, other_layouts, f32_diff,
                     per_case)
    if not args.quiet:
        print("f32 vs f64: max normwise relative difference %.2g (%s)" % (f32_diff, f32_where))
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
