// A model trained in PyTorch, run in C++. tests/torch/make_safetensors_fixtures.py trains
//
//     nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.PReLU(8), nn.Linear(8, 4),
//                   nn.BatchNorm1d(4, eps=0.01, affine=False), nn.PReLU(), nn.Linear(4, 1))
//
// and exports its state_dict with tools/torch_to_safetensors.py's writer, beside the inputs it
// ran the trained model on (eval mode) and the outputs PyTorch computed. Here the file loads into
// the type that tools/torch_to_safetensors.py --print-type prints for the model, runs, and is
// compared with PyTorch's outputs. Built with CMake, the same weights are also baked into this
// program (hardwired_embed_weights, examples/CMakeLists.txt): no file to load, the parameters a
// constexpr object in read-only memory; its outputs equal the loaded model's bit for bit.
//
// Run from the repository's root, or give the fixtures' folder as the first argument.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <type_traits>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/safetensors.hpp>

namespace hw = hardwired;

using net =
    hw::network<hw::input<4>, hw::dense<8>, hw::frozen_batch_norm<>, hw::prelu<8>, hw::dense<4>,
                hw::frozen_batch_norm<1, 100, false>, hw::prelu<>, hw::dense<1>>;

#if __has_include("pytorch_weights.hpp")
#include "pytorch_weights.hpp" // hardwired_embed_weights: inline constexpr pytorch_weights
#define HARDWIRED_EXAMPLE_EMBEDDED 1
static_assert(std::is_same_v<decltype(pytorch_weights), const hw::params<net>>);
#endif

#ifndef HARDWIRED_EXAMPLE_FIXTURES
#define HARDWIRED_EXAMPLE_FIXTURES "tests/torch/fixtures/safetensors"
#endif

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : HARDWIRED_EXAMPLE_FIXTURES;
    try {
        hw::params<net> p;
        hw::io::load_safetensors(dir + "/batchnorm_prelu.safetensors", p);
        std::printf("loaded %zu tensors:", net::tensor_count);
        for (auto const& t : hw::io::tensor_names<net>())
            std::printf(" %s", t.name.c_str());
        std::printf("\n");

        // PyTorch's inputs [n, 4] and outputs [n, 1], float32.
        const std::string bytes = hw::io::read_file(dir + "/batchnorm_prelu_io.safetensors");
        const auto io = hw::io::safetensors_file::parse(bytes);
        const hw::io::safetensors_entry* in = io.find("input");
        const hw::io::safetensors_entry* out = io.find("output");
        if (!in || !out || in->shape.size() != 2 || in->shape[1] != net::inputs ||
            out->elements() != in->shape[0]) {
            std::printf("the _io file does not hold [n, 4] inputs and [n, 1] outputs\n");
            return 1;
        }
        double worst = 0; // max |hardwired − PyTorch| / max(|PyTorch|, 1e-3)
        bool embedded_equal = true;
        for (std::uint64_t s = 0; s < in->shape[0]; ++s) {
            std::array<float, net::inputs> x;
            for (std::size_t k = 0; k < net::inputs; ++k)
                x[k] = static_cast<float>(io.value(*in, s * net::inputs + k));
            const float y = hw::forward(p, x)[0];
            const double want = io.value(*out, s);
            worst = std::max(worst, std::fabs(y - want) / std::max(std::fabs(want), 1e-3));
#ifdef HARDWIRED_EXAMPLE_EMBEDDED
            embedded_equal = embedded_equal && hw::forward(pytorch_weights, x)[0] == y;
#endif
            if (s < 3)
                std::printf("x = (%+.3f, %+.3f, %+.3f, %+.3f): hardwired %+.6f, PyTorch %+.6f\n",
                            static_cast<double>(x[0]), static_cast<double>(x[1]),
                            static_cast<double>(x[2]), static_cast<double>(x[3]),
                            static_cast<double>(y), want);
        }
        std::printf("%llu samples: largest relative difference from PyTorch %.2g\n",
                    static_cast<unsigned long long>(in->shape[0]), worst);
#ifdef HARDWIRED_EXAMPLE_EMBEDDED
        std::printf("the same weights baked into this program (%zu bytes of constexpr "
                    "parameters): %s\n",
                    sizeof(pytorch_weights),
                    embedded_equal ? "bit-identical outputs" : "DIFFERENT outputs");
#endif
        return worst <= 1e-5 && embedded_equal ? 0 : 1;
    } catch (std::exception const& e) {
        std::printf("error: %s\n", e.what());
        return 1;
    }
}
