// libFuzzer target: every byte string given to the `.nam` loader (hw::io::from_nam) either loads
// or is refused with hw::io::nam_error, leaving the parameters and the state as they were.
// Anything else (a crash, a sanitizer report, another exception, a changed object after a
// refusal) is a finding. Built and run by tests/fuzz/CMakeLists.txt; seeds: corpus_nam/.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/nam.hpp>

namespace hw = hardwired;
namespace wn = hw::wavenet;

namespace {
using wavenet =
    hw::network<hw::input<1>,
                wn::model<hw::c<1, 50>, wn::layer_array<3, 2, 3, wn::dilations<1, 2>, hw::tanh>,
                          wn::layer_array<2, 1, 3, wn::dilations<8>, hw::tanh, false, true>>>;
using lstm = hw::network<hw::input<1>, hw::lstm<3>, hw::dense<1>>;

template <class Net>
void load(std::string_view text) {
    hw::params<Net> p;
    hw::init::defaults(p, 1);
    hw::state<Net> s;
    s.values.fill(0.5f);
    const hw::params<Net> p0 = p;
    const hw::state<Net> s0 = s;
    try {
        hw::io::from_nam(text, p, s);
    } catch (hw::io::nam_error const&) {
        if (!(p == p0) || s.values != s0.values)
            std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<char const*>(data), size);
    load<wavenet>(text);
    load<lstm>(text);
    return 0;
}
