// libFuzzer target: every byte string given to the safetensors and checkpoint loaders either
// loads or is refused with hw::io::safetensors_error; a refused load leaves the parameters and
// the optimizer as they were. Anything else (a crash, a sanitizer report, another exception, a
// changed object after a refusal) is a finding. Built and run by tests/fuzz/CMakeLists.txt;
// seeds: corpus_safetensors/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/checkpoint.hpp>

namespace hw = hardwired;

namespace {
using net = hw::network<hw::input<3>, hw::dense<2, hw::tanh>, hw::dense<1>>;
using recurrent = hw::network<hw::input<1>, hw::gru<2>, hw::conv1d<1, 2>>;

template <class Net, class T>
void load(std::string_view bytes) {
    hw::params<Net, T> p;
    hw::init::xavier(p, 1);
    const hw::params<Net, T> before = p;
    try {
        hw::io::from_safetensors(bytes, p);
    } catch (hw::io::safetensors_error const&) {
        if (!(p == before))
            std::abort();
    }
    hw::adam<Net, T> opt;
    opt.t = 3;
    p = before;
    try {
        hw::io::from_checkpoint(bytes, p, opt);
    } catch (hw::io::safetensors_error const&) {
        if (!(p == before) || opt.t != 3)
            std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<char const*>(data), size);
    try {
        (void)hw::io::safetensors_file::parse(bytes);
    } catch (hw::io::safetensors_error const&) {
    }
    load<net, float>(bytes);
    load<recurrent, double>(bytes);
    return 0;
}
