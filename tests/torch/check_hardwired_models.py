#!/usr/bin/env python3
"""Check that hardwired's saved networks load into the equivalent PyTorch modules.

Usage:  python3 tests/torch/check_hardwired_models.py DIR

DIR holds what export_hardwired_models (tests/torch/export_hardwired_models.cpp) wrote: per
case, <case>.safetensors (a trained hardwired network's parameters, saved with
hw::io::save_safetensors) and <case>_io.safetensors (F32 "input" and the "output" hardwired
computed).  For each case this script builds the equivalent PyTorch module (the model of
make_safetensors_fixtures.py's case of that name), loads the file with
tools/torch_to_safetensors.py's load_safetensors and load_state_dict(strict=True), runs the
inputs through it in float32 (a sequence from the zero state for the LSTM and the Conv1d) and
requires every output element within 1e-5 relative (1e-6 absolute near zero) of hardwired's.
Exits 1, saying why, when a file is missing or invalid, a name or shape differs, or an output
is off.  Needs only torch and the standard library.
"""

import os
import sys

import torch

sys.dont_write_bytecode = True   # no __pycache__ in the source tree from the imports below
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from make_safetensors_fixtures import CASES  # noqa: E402
from torch_to_safetensors import hardwired_type, read_safetensors  # noqa: E402

NAMES = ["mlp_tanh", "residual", "concat", "lstm", "gru", "rnn", "conv1d"]
RELATIVE, ABSOLUTE = 1e-5, 1e-6


def check(directory, case):
    """Worst |pytorch - hardwired| / max(1e-5·|hardwired|, 1e-6) of the case (at most 1 passes);
    ValueError, RuntimeError or OSError when the files do not load."""
    name = case["name"]
    model = case["model"]()
    with open(os.path.join(directory, name + ".safetensors"), "rb") as f:
        state, metadata = read_safetensors(f.read())
    parameters = sum(p.numel() for p in model.parameters())
    if metadata.get("hardwired.parameters") != str(parameters):
        raise ValueError("the file's hardwired.parameters is %r, the module has %d"
                         % (metadata.get("hardwired.parameters"), parameters))
    for t in state.values():
        if t.dtype != torch.float32:
            raise ValueError("hardwired saves float parameters as F32, the file has %s" % t.dtype)
    model.load_state_dict(state, strict=True)
    model.eval()
    with open(os.path.join(directory, name + "_io.safetensors"), "rb") as f:
        io = read_safetensors(f.read())[0]
    inputs, expected = io["input"], io["output"]
    typename = hardwired_type(model, inputs.shape[1])
    if typename != case["type"]:
        raise ValueError("hardwired_type gives %s, expected %s" % (typename, case["type"]))
    with torch.no_grad():
        got = model(inputs)
    if got.shape != expected.shape:
        raise ValueError("PyTorch gives %s outputs, hardwired %s" % (list(got.shape),
                                                                     list(expected.shape)))
    bound = torch.clamp(RELATIVE * expected.double().abs(), min=ABSOLUTE)
    return float(((got.double() - expected.double()).abs() / bound).max())


def main(argv):
    if len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    cases = {c["name"]: c for c in CASES}
    failed = []
    for name in NAMES:
        try:
            worst = check(argv[0], cases[name])
        except (ValueError, RuntimeError, OSError, KeyError) as e:
            failed.append("%s: %s" % (name, e))
            continue
        verdict = "ok" if worst <= 1 else "FAILED"
        print("%-10s %s: worst error %.3g of the tolerance" % (name, verdict, worst))
        if worst > 1:
            failed.append("%s: an output differs from hardwired's by %.3g times the tolerance "
                          "(1e-5 relative, 1e-6 absolute)" % (name, worst))
    for f in failed:
        print("check_hardwired_models: " + f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
