// libFuzzer target: every byte string given to the RTNeural loader (hw::io::from_rtneural)
// either loads or is refused with hw::io::rtneural_error, leaving the parameters as they were.
// Anything else (a crash, a sanitizer report, another exception, a changed object after a
// refusal) is a finding. Built and run by tests/fuzz/CMakeLists.txt; seeds: corpus_rtneural/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/rtneural.hpp>

namespace hw = hardwired;

namespace {
using lstm = hw::network<hw::input<1>, hw::lstm<8>, hw::dense<1>>;
using gru = hw::network<hw::input<1>, hw::gru<8>, hw::dense<8, hw::sigmoid>, hw::dense<1>>;
using conv = hw::network<hw::input<1>, hw::conv1d<12, 5>>;
using dense = hw::network<hw::input<1>, hw::dense<8>, hw::activation_layer<hw::tanh>,
                          hw::dense<4, hw::identity, hw::no_bias>, hw::softmax_layer>;

template <class Net>
void load(std::string_view text) {
    hw::params<Net> p;
    hw::init::defaults(p, 1);
    const hw::params<Net> p0 = p;
    try {
        hw::io::from_rtneural(text, p);
    } catch (hw::io::rtneural_error const&) {
        if (!(p == p0))
            std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<char const*>(data), size);
    load<lstm>(text);
    load<gru>(text);
    load<conv>(text);
    load<dense>(text);
    return 0;
}
