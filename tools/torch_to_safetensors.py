#!/usr/bin/env python3
"""PyTorch weights to and from safetensors files, the weight format of hardwired.

Usage:
    tools/torch_to_safetensors.py MODEL.pt OUT.safetensors [--f64] [--print-type INPUTS]

MODEL.pt is a torch.save'd module or state_dict. Its tensors are written to OUT.safetensors
under their state_dict names, as F32 (F64 with --f64); hardwired loads such a file with
hw::io::load_safetensors into the equivalent network, whose tensor names are the state_dict
names of the equivalent nn.Sequential (include/hardwired/io/names.hpp). --print-type INPUTS
(a module only) prints that network's type for INPUTS inputs, e.g.

    hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::dense<2>>

for nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2)).

As a module (only torch and the standard library; no `safetensors` package needed):

    save_safetensors(tensors, path, metadata=None)   # dict name -> tensor (F16, BF16, F32, F64)
    load_safetensors(path) -> dict name -> tensor    # validated as hardwired does
    hardwired_type(seq, inputs) -> str               # the equivalent hardwired network type

and the containers that give PyTorch models of hardwired's blocks and sequences:

    Residual(*layers)     # hw::residual<...>: y = x + layers(x)
    Concat(*branches)     # hw::concat<...>: the branches' outputs concatenated
    Sequence(*layers)     # an nn.Sequential run over one sequence [T, features], time major,
                          # from the zero state: nn.LSTM / nn.GRU / nn.RNN over the steps,
                          # nn.Conv1d causal (hw::conv1d), as hw::step runs the network step by
                          # step

File format (https://github.com/huggingface/safetensors): 8 bytes of little-endian header
length N, N bytes of JSON header {"__metadata__": {str: str}, name: {"dtype": "F32",
"shape": [...], "data_offsets": [begin, end]}, ...} padded with spaces to a multiple of 8,
then the tensors' bytes, contiguous from 0 in the order written, little-endian, row-major.
"""

import argparse
import array
import json
import math
import os
import sys
from collections.abc import Mapping
from fractions import Fraction

import torch
import torch.nn as nn
import torch.nn.functional as F

# dtype name -> (torch dtype, bytes per element, integer dtype of that size for the bits)
DTYPES = {
    "F16": (torch.float16, 2, torch.int16),
    "BF16": (torch.bfloat16, 2, torch.int16),
    "F32": (torch.float32, 4, torch.int32),
    "F64": (torch.float64, 8, torch.int64),
}
_NAME_OF = {torch_dtype: name for name, (torch_dtype, _, _) in DTYPES.items()}
# The largest header accepted, as the reference implementation (100 MB).
MAX_HEADER_BYTES = 100_000_000


# ----------------------------------------------------------------------------
# safetensors files
# ----------------------------------------------------------------------------

def _typecode(size):
    """The array module's typecode of signed integers of `size` bytes."""
    for code in "hilq":
        if array.array(code).itemsize == size:
            return code
    raise RuntimeError("no %d-byte integer type in the array module" % size)


def _tensor_bytes(name, t):
    """A tensor's bytes, little-endian, row-major, and its dtype name."""
    if not isinstance(t, torch.Tensor):
        raise ValueError("'%s' is a %s, not a tensor" % (name, type(t).__name__))
    if t.dtype not in _NAME_OF:
        raise ValueError("tensor '%s' is %s; safetensors files for hardwired hold "
                         "float16, bfloat16, float32 or float64" % (name, t.dtype))
    dtype = _NAME_OF[t.dtype]
    _, size, bits = DTYPES[dtype]
    flat = t.detach().to("cpu").contiguous().reshape(-1)
    values = array.array(_typecode(size), flat.view(bits).tolist())
    if sys.byteorder != "little":
        values.byteswap()
    return dtype, values.tobytes()


def safetensors_bytes(tensors, metadata=None):
    """The bytes of a safetensors file of `tensors` (name -> tensor, in that order)."""
    header = {}
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise ValueError("__metadata__ must map strings to strings")
        header["__metadata__"] = dict(metadata)
    chunks, at = [], 0
    for name, t in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise ValueError("a tensor cannot be named %r" % (name,))
        dtype, data = _tensor_bytes(name, t)
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [at, at + len(data)]}
        chunks.append(data)
        at += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + b"".join(chunks)


def save_safetensors(tensors, path, metadata=None):
    """Writes `tensors` (dict name -> tensor of float16, bfloat16, float32 or float64) to a
    safetensors file at `path`, in the dict's order; `metadata` (dict str -> str), if given,
    is the header's "__metadata__". The file is replaced only once the new one is written."""
    data = safetensors_bytes(tensors, metadata)
    tmp = "%s.tmp%d" % (path, os.getpid())
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise ValueError("the header names %r twice" % k)
    return dict(pairs)


def _is_count(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def read_safetensors(data):
    """Parses and validates a safetensors file's bytes: (tensors, metadata), tensors a dict
    name -> tensor (float16, bfloat16, float32 or float64, as stored) in the header's order.
    Raises ValueError, naming what is wrong, if the header length exceeds the file or the
    limit, the header is no JSON object, a name is repeated, an entry is malformed, a dtype is
    not F16, BF16, F32 or F64, the offsets are not contiguous from 0 in data order, a range
    is not its shape's byte size, or the data does not end exactly at the end of the file."""
    data = bytes(data)
    if len(data) < 8:
        raise ValueError("the file is %d bytes, shorter than its 8-byte header length"
                         % len(data))
    n = int.from_bytes(data[:8], "little")
    if n > MAX_HEADER_BYTES:
        raise ValueError("the header length %d is larger than the limit of %d bytes"
                         % (n, MAX_HEADER_BYTES))
    if n > len(data) - 8:
        raise ValueError("the header length %d runs past the end of the file (%d bytes after "
                         "the length)" % (n, len(data) - 8))
    text = data[8:8 + n]
    if not text.startswith(b"{"):
        raise ValueError("the header does not start with '{'")
    try:
        header = json.loads(text.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError("the header is not valid JSON: %s" % e) from None
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")

    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError("__metadata__ is not an object of strings")
    entries = []
    for name, e in header.items():
        if not isinstance(e, dict):
            raise ValueError("tensor '%s': its entry is not an object" % name)
        dtype, shape, offsets = e.get("dtype"), e.get("shape"), e.get("data_offsets")
        if dtype not in DTYPES:
            raise ValueError("tensor '%s' is %r; F16, BF16, F32 and F64 are read"
                             % (name, dtype))
        if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
            raise ValueError("tensor '%s': its shape is not a list of non-negative integers"
                             % name)
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(_is_count(o) for o in offsets)):
            raise ValueError("tensor '%s': data_offsets is not two non-negative integers"
                             % name)
        entries.append((offsets[0], offsets[1], name, dtype, shape))

    at = 0
    for begin, end, name, dtype, shape in sorted(entries, key=lambda e: (e[0], e[1])):
        if begin != at or end < begin:
            raise ValueError("tensor '%s' has data_offsets [%d, %d]; the data must be "
                             "contiguous, and it starts at %d" % (name, begin, end, at))
        size = math.prod(shape) * DTYPES[dtype][1]
        if end - begin != size:
            raise ValueError("tensor '%s' of %s %s needs %d bytes, but its data_offsets give %d"
                             % (name, dtype, shape, size, end - begin))
        at = end
    if at != len(data) - 8 - n:
        raise ValueError("the tensors' data is %d bytes, but the file has %d bytes after the "
                         "header" % (at, len(data) - 8 - n))

    body = data[8 + n:]
    tensors = {}
    for begin, end, name, dtype, shape in entries:
        torch_dtype, size, bits = DTYPES[dtype]
        values = array.array(_typecode(size))
        values.frombytes(body[begin:end])
        if sys.byteorder != "little":
            values.byteswap()
        t = torch.tensor(values.tolist(), dtype=bits).view(torch_dtype)
        tensors[name] = t.reshape(shape)
    return tensors, metadata


def load_safetensors(path):
    """The tensors of a safetensors file (dict name -> tensor, float16, bfloat16, float32 or
    float64 as stored, in the header's order); ValueError naming the file and what is wrong if
    it is not a valid file (read_safetensors)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return read_safetensors(data)[0]
    except ValueError as e:
        raise ValueError("%s: %s" % (path, e)) from None


# ----------------------------------------------------------------------------
# PyTorch modules of hardwired's blocks
# ----------------------------------------------------------------------------

def _apply(module, x):
    """One module on x: nn.LSTM, nn.GRU and nn.RNN run over x as one sequence [T, features]
    from the zero state, nn.Conv1d causally over it (left-padded with (K - 1)·dilation zeros);
    a plain nn.Sequential runs its modules so; any other module is called."""
    if isinstance(module, (nn.LSTM, nn.GRU, nn.RNN)):
        axis = 0 if module.batch_first else 1
        return module(x.unsqueeze(axis))[0].squeeze(axis)
    if isinstance(module, nn.Conv1d):
        pad = (module.kernel_size[0] - 1) * module.dilation[0]
        return module(F.pad(x.t().unsqueeze(0), (pad, 0))).squeeze(0).t()
    if type(module) is nn.Sequential:
        return _run(module, x)
    return module(x)


def _run(modules, x):
    for m in modules:
        x = _apply(m, x)
    return x


class Sequence(nn.Sequential):
    """An nn.Sequential whose input is one sequence [T, features], time major, run as
    hardwired's hw::step runs the network one step at a time from the zero state: nn.LSTM,
    nn.GRU and nn.RNN over the steps, nn.Conv1d causally (the input left-padded with
    (K - 1)·dilation zeros, hw::conv1d), other modules on each step. Without such layers it is nn.Sequential."""

    hardwired_block = "sequence"

    def forward(self, x):
        return _run(self, x)


class Residual(nn.Sequential):
    """hw::residual<layers...>: y = x + layers(x), its modules numbered as nn.Sequential's."""

    hardwired_block = "residual"

    def forward(self, x):
        return x + _run(self, x)


class Concat(nn.ModuleList):
    """hw::concat<branches...>: the branches' outputs concatenated along the last axis; branch
    i is module i (one module, or an nn.Sequential for a hw::chain branch). Concat(a, b) or,
    as nn.ModuleList, Concat([a, b])."""

    hardwired_block = "concat"

    def __init__(self, *branches):
        if len(branches) == 1 and not isinstance(branches[0], nn.Module):
            branches = branches[0]
        super().__init__(branches)

    def forward(self, x):
        return torch.cat([_apply(m, x) for m in self], -1)


# ----------------------------------------------------------------------------
# The equivalent hardwired type
# ----------------------------------------------------------------------------

class UnsupportedModule(ValueError):
    """A module that has no hardwired equivalent (or not with these settings)."""


def _fraction(value, what, limit=2**31 - 1):
    """The simplest fraction whose float is `value` (0.2 -> 1/5), for hardwired's exact
    rational template arguments."""
    denominator = 1
    while True:
        f = Fraction(value).limit_denominator(denominator)
        if float(f) == value or denominator >= limit:
            break
        denominator = min(denominator * 10, limit)
    if abs(f.numerator) > 2**63 - 1:
        raise ValueError("%s %r is out of range of hardwired's fractions" % (what, value))
    return f


def _activation(m, where):
    """hardwired's activation for an activation module, or None for any other module."""
    if isinstance(m, nn.Tanh):
        return "hw::tanh"
    if isinstance(m, nn.Sigmoid):
        return "hw::sigmoid"
    if isinstance(m, nn.ReLU):
        return "hw::relu"
    if isinstance(m, nn.SiLU):
        return "hw::silu"
    if isinstance(m, nn.LogSigmoid):
        return "hw::log_sigmoid"
    if isinstance(m, nn.GELU):
        if m.approximate != "tanh":
            raise UnsupportedModule(
                "%s: nn.GELU(approximate=%r) (the exact, erf GELU) has no hardwired "
                "equivalent; hw::gelu is nn.GELU(approximate='tanh')" % (where, m.approximate))
        return "hw::gelu"
    if isinstance(m, nn.Softplus):
        if m.beta != 1:
            raise UnsupportedModule("%s: nn.Softplus(beta=%r): hw::softplus has beta = 1"
                                    % (where, m.beta))
        return "hw::softplus"
    if isinstance(m, nn.ELU):
        a = _fraction(m.alpha, where + ": ELU alpha")
        if a == 1:
            return "hw::elu<>"
        return ("hw::elu<%d>" % a.numerator if a.denominator == 1
                else "hw::elu<%d, %d>" % (a.numerator, a.denominator))
    if isinstance(m, nn.LeakyReLU):
        s = _fraction(m.negative_slope, where + ": LeakyReLU negative_slope")
        if s == Fraction(1, 100):
            return "hw::leaky_relu<>"
        return "hw::leaky_relu<%d, %d>" % (s.numerator, s.denominator)
    return None


def _unsupported(m, where, why=""):
    return UnsupportedModule("%s: %s has no hardwired equivalent%s"
                             % (where, type(m).__name__, why))


def _conv1d_type(m, size, where, act):
    """hw::conv1d<Out, K, D, G, Activation, Bias>, trailing defaults left out."""
    if m.in_channels != size:
        raise UnsupportedModule("%s: nn.Conv1d takes %d channels, but the layer before gives %d"
                                % (where, m.in_channels, size))
    if (m.stride != (1,) or m.padding not in (0, (0,), "valid")
            or m.padding_mode != "zeros"):
        raise _unsupported(m, where, " with stride %s, padding %s, padding_mode %r (hw::conv1d "
                           "is nn.Conv1d(stride=1, padding=0) on the input left-padded with "
                           "(K - 1)·dilation zeros, as Sequence runs it)"
                           % (m.stride, m.padding, m.padding_mode))
    args = [str(m.out_channels), str(m.kernel_size[0]), str(m.dilation[0]), str(m.groups),
            act or "hw::identity"]
    defaults = [None, None, "1", "1", "hw::identity"]
    if m.bias is None:
        args.append("hw::no_bias")
    else:
        while len(args) > 2 and args[-1] == defaults[len(args) - 1]:
            args.pop()
    return "hw::conv1d<%s>" % ", ".join(args), m.out_channels


def _recurrent_type(m, size, where):
    kind = "lstm" if isinstance(m, nn.LSTM) else "gru" if isinstance(m, nn.GRU) else "rnn"
    if m.input_size != size:
        raise UnsupportedModule("%s: nn.%s takes %d inputs, but the layer before gives %d"
                                % (where, type(m).__name__, m.input_size, size))
    if m.num_layers != 1 or m.bidirectional or not m.bias or getattr(m, "proj_size", 0):
        raise _unsupported(m, where, " with num_layers=%d, bidirectional=%s, bias=%s, "
                           "proj_size=%d (hw::%s is one layer, one direction, with biases; "
                           "stack one-layer modules)" % (m.num_layers, m.bidirectional, m.bias,
                                                         getattr(m, "proj_size", 0), kind))
    if kind == "rnn" and m.nonlinearity == "relu":
        return "hw::rnn<%d, hw::relu>" % m.hidden_size, m.hidden_size
    return "hw::%s<%d>" % (kind, m.hidden_size), m.hidden_size


def _block(m):
    """The kind of container m is: "sequential" for an nn.Sequential or Sequence, "residual"
    for a Residual, "concat" for a Concat (also when the class comes from another import of
    this file, as for a module unpickled by the command line's torch.load), else None: other
    subclasses of nn.Sequential have a forward of their own."""
    if type(m) is nn.Sequential:
        return "sequential"
    block = getattr(type(m), "hardwired_block", None)
    return "sequential" if block == "sequence" else block


def _has_parameters(m):
    return any(True for _ in m.parameters())


def _chain_types(modules, size, where):
    """The hardwired layers of an nn.Sequential's modules: (list of types, output size)."""
    children = list(modules.named_children())
    types, i = [], 0
    while i < len(children):
        name, m = children[i]
        here = "%s.%s (index %d)" % (where, name, i)
        act = None
        if isinstance(m, (nn.Linear, nn.Conv1d)) and i + 1 < len(children):
            act = _activation(children[i + 1][1],
                              "%s.%s (index %d)" % (where, children[i + 1][0], i + 1))
        if isinstance(m, nn.Linear):
            if m.in_features != size:
                raise UnsupportedModule("%s: nn.Linear takes %d inputs, but the layer before "
                                        "gives %d" % (here, m.in_features, size))
            args = [str(m.out_features)]
            if act or m.bias is None:
                args.append(act or "hw::identity")
            if m.bias is None:
                args.append("hw::no_bias")
            types.append("hw::dense<%s>" % ", ".join(args))
            size = m.out_features
            i += 2 if act else 1
            continue
        if isinstance(m, nn.Conv1d):
            t, size = _conv1d_type(m, size, here, act)
            types.append(t)
            i += 2 if act else 1
            continue
        i += 1
        own = _activation(m, here)
        if own:
            types.append("hw::activation_layer<%s>" % own)
        elif isinstance(m, nn.Identity):
            # Skipped, unless a module with parameters follows: then it keeps its number in
            # the state_dict's names as an identity layer.
            if any(_has_parameters(c) for _, c in children[i:]):
                types.append("hw::activation_layer<hw::identity>")
        else:
            t, size = _layer_type(m, size, here)
            types.append(t)
    return types, size


def _layer_type(m, size, where):
    """One module that is a hardwired layer or block (no activation to fuse):
    (type, output size)."""
    own = _activation(m, where)
    if own:
        return "hw::activation_layer<%s>" % own, size
    if isinstance(m, nn.Identity):
        return "hw::activation_layer<hw::identity>", size
    if isinstance(m, nn.Linear):
        types, size = _chain_types(nn.Sequential(m), size, where)
        return types[0], size
    if isinstance(m, nn.Conv1d):
        return _conv1d_type(m, size, where, None)
    if isinstance(m, (nn.LSTM, nn.GRU, nn.RNN)):
        return _recurrent_type(m, size, where)
    if isinstance(m, nn.LayerNorm):
        if tuple(m.normalized_shape) != (size,) or not m.elementwise_affine:
            raise _unsupported(m, where, " with normalized_shape %s, elementwise_affine=%s "
                               "(hw::layer_norm normalizes the %d inputs, with weight and bias)"
                               % (tuple(m.normalized_shape), m.elementwise_affine, size))
        eps = _fraction(m.eps, where + ": LayerNorm eps")
        if eps == Fraction(1, 100000):
            return "hw::layer_norm<>", size
        return "hw::layer_norm<%d, %d>" % (eps.numerator, eps.denominator), size
    if isinstance(m, nn.BatchNorm1d):
        if m.num_features != size or not m.track_running_stats:
            raise _unsupported(m, where, " with num_features=%d, track_running_stats=%s "
                               "(hw::frozen_batch_norm is nn.BatchNorm1d(%d) in eval mode, "
                               "with running statistics)"
                               % (m.num_features, m.track_running_stats, size))
        eps = _fraction(m.eps, where + ": BatchNorm1d eps")
        if eps == Fraction(1, 100000) and m.affine:
            return "hw::frozen_batch_norm<>", size
        return "hw::frozen_batch_norm<%d, %d%s>" % (eps.numerator, eps.denominator,
                                                     "" if m.affine else ", false"), size
    if isinstance(m, nn.PReLU):
        if m.num_parameters not in (1, size):
            raise _unsupported(m, where, " with num_parameters=%d (1 or the %d inputs)"
                               % (m.num_parameters, size))
        return ("hw::prelu<>" if m.num_parameters == 1 else "hw::prelu<%d>" % size), size
    if isinstance(m, nn.Softmax):
        if m.dim != -1:
            raise _unsupported(m, where, " with dim=%r (hw::softmax_layer is nn.Softmax(dim=-1))"
                               % (m.dim,))
        return "hw::softmax_layer", size
    if isinstance(m, nn.Dropout) and type(m) is nn.Dropout:
        p = _fraction(m.p, where + ": Dropout p", limit=2**32 - 1)
        if not 0 <= p < 1:
            raise _unsupported(m, where, " with p=%r (hw::dropout needs 0 <= p < 1)" % m.p)
        return "hw::dropout<%d, %d>" % (p.numerator, p.denominator), size
    if _block(m) == "residual":
        types, out = _chain_types(m, size, where)
        if out != size:
            raise UnsupportedModule("%s: a Residual block of %d inputs gives %d outputs"
                                    % (where, size, out))
        return "hw::residual<%s>" % ", ".join(types), size
    if _block(m) == "concat":
        types, out = [], 0
        for i, (name, branch) in enumerate(m.named_children()):
            t, n = _layer_type(branch, size, "%s.%s (branch %d)" % (where, name, i))
            types.append(t)
            out += n
        if not types:
            raise UnsupportedModule("%s: a Concat block without branches" % where)
        return "hw::concat<%s>" % ", ".join(types), out
    if _block(m) == "sequential":
        types, out = _chain_types(m, size, where)
        if not types:
            raise UnsupportedModule("%s: an empty nn.Sequential" % where)
        return "hw::chain<%s>" % ", ".join(types), out
    raise _unsupported(m, where)


def hardwired_type(seq, inputs):
    """The hardwired network type equivalent to the module `seq` (an nn.Sequential, Sequence,
    Residual, Concat or one layer) for `inputs` inputs, e.g.
    "hw::network<hw::input<3>, hw::dense<8, hw::tanh>, hw::dense<2>>". Its tensor names
    (hw::io::tensor_names) are seq's state_dict names. Raises UnsupportedModule (a ValueError)
    naming the first module that has no equivalent, with its path and index."""
    if _block(seq) == "sequential":
        types, _ = _chain_types(seq, inputs, "model")
    else:
        types = [_layer_type(seq, inputs, "model")[0]]
    if not types:
        raise UnsupportedModule("model: no layers")
    return "hw::network<hw::input<%d>, %s>" % (inputs, ", ".join(types))


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------

def main(argv=None):
    doc = __doc__.split("\n\n")
    ap = argparse.ArgumentParser(
        description=doc[0], usage=doc[1].split("\n", 1)[1].strip(),
        epilog="See the top of this script for its use as a Python module.")
    ap.add_argument("model", metavar="MODEL.pt", help="a torch.save'd module or state_dict")
    ap.add_argument("out", metavar="OUT.safetensors")
    ap.add_argument("--f64", action="store_true", help="write F64 instead of F32")
    ap.add_argument("--print-type", metavar="INPUTS", type=int,
                    help="print the equivalent hardwired network type for INPUTS inputs")
    args = ap.parse_args(argv)
    # Modules pickled with this file's classes (Residual, Concat, Sequence) find them here.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        obj = torch.load(args.model, map_location="cpu")
        if isinstance(obj, nn.Module):
            module, state = obj, obj.state_dict()
        elif isinstance(obj, Mapping) and all(isinstance(v, torch.Tensor) for v in obj.values()):
            module, state = None, obj
        else:
            raise ValueError("%s holds a %s, neither a module nor a state_dict"
                             % (args.model, type(obj).__name__))
        typename = None
        if args.print_type is not None:
            if module is None:
                raise ValueError("--print-type needs a module, and %s holds a state_dict"
                                 % args.model)
            typename = hardwired_type(module, args.print_type)
        dtype = torch.float64 if args.f64 else torch.float32
        tensors = {}
        for name, t in state.items():
            if name.endswith("num_batches_tracked"):
                continue  # a BatchNorm's step counter: no use to hw::frozen_batch_norm
            if not t.is_floating_point():
                raise ValueError("tensor '%s' is %s; only floating-point tensors are written"
                                 % (name, t.dtype))
            tensors[name] = t.detach().to(dtype)
        save_safetensors(tensors, args.out, {"format": "pt"})
    except (ValueError, OSError, RuntimeError) as e:
        print("torch_to_safetensors: error: %s" % e, file=sys.stderr)
        return 1
    print("wrote %s: %d tensors, %s" % (args.out, len(tensors), _NAME_OF[dtype]), file=sys.stderr)
    if typename:
        print(typename)
    return 0


if __name__ == "__main__":
    sys.exit(main())
