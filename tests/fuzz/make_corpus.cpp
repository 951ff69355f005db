// Writes the seed corpus of fuzz_safetensors (tests/fuzz/corpus_safetensors/): valid files of
// the fuzzed networks (parameters, F32 and F64, and checkpoints) from which the fuzzer mutates.
// Run by hand after a format change: make_corpus tests/fuzz/corpus_safetensors.

#include <fstream>
#include <string>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/checkpoint.hpp>

namespace hw = hardwired;

int main(int argc, char** argv) {
    if (argc != 2)
        return 2;
    const std::string dir = argv[1];
    auto put = [&](std::string const& name, std::string const& bytes) {
        std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    };
    using net = hw::network<hw::input<3>, hw::dense<2, hw::tanh>, hw::dense<1>>;
    using recurrent = hw::network<hw::input<1>, hw::gru<2>, hw::conv1d<1, 2>>;
    hw::params<net> p;
    hw::init::xavier(p, 2);
    hw::params<recurrent, double> q;
    hw::init::defaults(q, 3);
    put("net_f32.safetensors", hw::io::to_safetensors(p));
    put("net_f64.safetensors", hw::io::to_safetensors(p, {.type = hw::io::dtype::f64}));
    put("recurrent_f64.safetensors", hw::io::to_safetensors(q));
    hw::adam<net> opt;
    opt.t = 5;
    put("net_adam.ckpt", hw::io::to_checkpoint(p, opt));
    put("recurrent_adam.ckpt", hw::io::to_checkpoint(q, hw::adam<recurrent, double>{}));
    return 0;
}
