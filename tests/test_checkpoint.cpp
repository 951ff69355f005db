// hw::io checkpoints: training resumed from a checkpoint (hw::fit and hw::fit_sequence with
// first_epoch) is bit-identical to training that never stopped, for every optimizer, in float
// and double, with dropout drawing random numbers; the optimizer's settings read back exactly;
// a checkpoint of another optimizer or network, or a damaged one, is refused and changes
// nothing.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/checkpoint.hpp>

namespace hw = hardwired;
using Catch::Matchers::Contains;

namespace {

using net = hw::network<hw::input<3>, hw::dense<16, hw::tanh>, hw::dropout<1, 10>, hw::dense<2>>;
using recurrent = hw::network<hw::input<1>, hw::lstm<6>, hw::dense<1>>;

template <class T>
struct data_set {
    std::vector<std::array<T, 3>> xs;
    std::vector<std::array<T, 2>> ys;
};
template <class T>
data_set<T> make_data() {
    data_set<T> d;
    hw::splitmix64 rng{11};
    for (int i = 0; i < 50; ++i) {
        std::array<T, 3> x;
        for (T& v : x)
            v = static_cast<T>(2 * rng.uniform() - 1);
        d.xs.push_back(x);
        d.ys.push_back({std::sin(x[0] + x[1]), x[2] * x[0]});
    }
    return d;
}

template <class Opt>
bool same_state(Opt const& a, Opt const& b) {
    if constexpr (requires { a.velocity; })
        return a.velocity == b.velocity && a.lr == b.lr && a.momentum == b.momentum &&
               a.nesterov == b.nesterov && a.weight_decay == b.weight_decay;
    else
        return a.m == b.m && a.v == b.v && a.t == b.t && a.lr == b.lr && a.beta1 == b.beta1 &&
               a.beta2 == b.beta2 && a.eps == b.eps && a.weight_decay == b.weight_decay;
}

/// Ten epochs straight, and four, a checkpoint written to disk, then epochs five to ten in a
/// fresh parameters and optimizer object (made with other settings) loaded from it.
template <class T, class Opt>
void resumes_bit_for_bit(Opt const& settings, Opt const& other_settings) {
    const auto d = make_data<T>();
    const hw::fit_options straight{
        .epochs = 10, .batch_size = 8, .seed = 3, .print_progress = false};
    hw::params<net, T> p;
    hw::init::xavier(p, 5);
    const hw::params<net, T> start = p;
    auto opt = std::make_unique<Opt>(settings);
    const auto all = hw::fit<hw::mse_loss>(p, *opt, d.xs, d.ys, straight);

    hw::params<net, T> q = start;
    auto first = std::make_unique<Opt>(settings);
    auto before = straight;
    before.epochs = 4;
    const auto head = hw::fit<hw::mse_loss>(q, *first, d.xs, d.ys, before);
    const auto path = std::filesystem::temp_directory_path() / "hardwired_test_checkpoint.st";
    hw::io::save_checkpoint(path, q, *first);

    hw::params<net, T> r;
    auto resumed = std::make_unique<Opt>(other_settings);
    hw::io::load_checkpoint(path, r, *resumed);
    std::filesystem::remove(path);
    CHECK(r == q);
    CHECK(same_state(*resumed, *first));
    auto after = straight;
    after.first_epoch = 5;
    const auto tail = hw::fit<hw::mse_loss>(r, *resumed, d.xs, d.ys, after);

    CHECK(r == p);
    CHECK(same_state(*resumed, *opt));
    REQUIRE(head.loss_history.size() == 4);
    REQUIRE(tail.loss_history.size() == 6);
    for (std::size_t e = 0; e < 10; ++e)
        CHECK(all.loss_history[e] == (e < 4 ? head.loss_history[e] : tail.loss_history[e - 4]));
    // And the run differs from one that restarted epoch 5 as a first epoch (shuffle and dropout
    // from the start): the replay is what makes it identical.
    hw::params<net, T> naive = q;
    auto naive_opt = std::make_unique<Opt>(*first);
    auto restart = straight;
    restart.epochs = 6;
    hw::fit<hw::mse_loss>(naive, *naive_opt, d.xs, d.ys, restart);
    CHECK(naive != p);
}

} // namespace

TEST_CASE("training resumed from a checkpoint is bit-identical: sgd, adam, adamw; float, double") {
    resumes_bit_for_bit<float>(
        hw::sgd<net, float>{.lr = 0.05f, .momentum = 0.9f, .nesterov = true, .weight_decay = 1e-4f},
        hw::sgd<net, float>{.lr = 1});
    resumes_bit_for_bit<double>(hw::sgd<net, double>{.lr = 0.05, .momentum = 0.5},
                                hw::sgd<net, double>{});
    resumes_bit_for_bit<float>(hw::adam<net, float>{.lr = 3e-3f, .beta2 = 0.99f},
                               hw::adam<net, float>{.lr = 0.5f});
    resumes_bit_for_bit<double>(hw::adam<net, double>{.lr = 1e-2, .weight_decay = 1e-3},
                                hw::adam<net, double>{});
    resumes_bit_for_bit<float>(hw::adamw<net, float>{.lr = 2e-3f, .weight_decay = 0.05f},
                               hw::adamw<net, float>{});
}

TEST_CASE("fit_sequence resumed from a checkpoint is bit-identical") {
    std::vector<std::array<float, 1>> xs, ys;
    for (int t = 0; t < 120; ++t) {
        xs.push_back({std::sin(0.3f * static_cast<float>(t))});
        ys.push_back({std::tanh(2 * xs.back()[0])});
    }
    const hw::sequence_options straight{
        .epochs = 6, .warmup = 8, .chunk = 32, .print_progress = false};
    hw::params<recurrent> p;
    hw::init::defaults(p, 9);
    hw::params<recurrent> q = p;
    hw::adam<recurrent> opt{.lr = 5e-3f}, first{.lr = 5e-3f}, resumed;
    hw::fit_sequence<hw::mse_loss>(p, opt, xs, ys, straight);
    auto before = straight;
    before.epochs = 2;
    hw::fit_sequence<hw::mse_loss>(q, first, xs, ys, before);
    hw::params<recurrent> r;
    hw::io::from_checkpoint(hw::io::to_checkpoint(q, first), r, resumed);
    auto after = straight;
    after.first_epoch = 3;
    hw::fit_sequence<hw::mse_loss>(r, resumed, xs, ys, after);
    CHECK(r == p);
    CHECK(same_state(resumed, opt));
    CHECK_THROWS_WITH(hw::fit_sequence<hw::mse_loss>(r, resumed, xs, ys, {.first_epoch = 0}),
                      Contains("first_epoch is 0"));
}

TEST_CASE("a checkpoint keeps the settings exactly and its tensors in the parameters' type") {
    hw::params<net, double> p;
    hw::init::xavier(p, 1);
    hw::adam<net, double> opt{.lr = 0.1 + 0.2, .beta1 = 1.0 / 3, .eps = 1e-300};
    opt.t = 123456789012LL;
    const std::string bytes = hw::io::to_checkpoint(p, opt);
    const auto file = hw::io::safetensors_file::parse(bytes);
    CHECK(file.metadata().at("hardwired.optimizer") == "adam");
    CHECK(file.metadata().at("hardwired.optimizer.step") == "123456789012");
    REQUIRE(file.find("optimizer.m.0.weight"));
    CHECK(file.find("optimizer.v.3.bias")->type == hw::io::dtype::f64);
    hw::params<net, double> q;
    hw::adam<net, double> back;
    hw::io::from_checkpoint(bytes, q, back);
    CHECK(back.lr == 0.1 + 0.2);
    CHECK(back.beta1 == 1.0 / 3);
    CHECK(back.eps == 1e-300);
    CHECK(back.t == 123456789012LL);
}

TEST_CASE("a checkpoint of another optimizer or network, or a damaged one, changes nothing") {
    hw::params<net> p;
    hw::init::xavier(p, 2);
    hw::adam<net> opt{.lr = 0.25f};
    opt.t = 7;
    opt.m[3] = 1.5f;
    const hw::params<net> p0 = p;
    const hw::adam<net> opt0 = opt;
    auto refused = [&](std::string const& bytes, std::string const& what) {
        CHECK_THROWS_WITH(hw::io::from_checkpoint(bytes, p, opt), Contains(what));
        CHECK(p == p0);
        CHECK(same_state(opt, opt0));
    };
    hw::params<net> other;
    hw::init::xavier(other, 3);
    refused(hw::io::to_checkpoint(other, hw::sgd<net>{}),
            "checkpoint: the file holds the state of an optimizer 'sgd', not 'adam'");
    refused(hw::io::to_safetensors(other), "the file has no optimizer state");
    using wider =
        hw::network<hw::input<3>, hw::dense<17, hw::tanh>, hw::dropout<1, 10>, hw::dense<2>>;
    hw::params<wider> w;
    refused(hw::io::to_checkpoint(w, hw::adam<wider>{}),
            "tensor '0.weight' is [16, 3] in the network but [17, 3] in the file");
    const std::string good = hw::io::to_checkpoint(other, hw::adam<net>{});
    // The file with one text replaced by another of the same length (the header's length stays).
    auto tampered = [&](std::string const& from, std::string const& to) {
        REQUIRE(from.size() == to.size());
        std::string s = good;
        const std::size_t at = s.find(from);
        REQUIRE(at != std::string::npos);
        return s.replace(at, from.size(), to);
    };
    refused(
        tampered("\"hardwired.optimizer.lr\":\"0.001\"", "\"hardwired.optimizer.lr\":\"0.0x1\""),
        "the optimizer setting 'lr' is missing or not a number");
    refused(tampered("\"hardwired.optimizer.step\":\"0\"", "\"hardwired.optimizer.step\":\"-\""),
            "the optimizer's step count is missing or not a count");
    refused(tampered("\"hardwired.optimizer\":\"adam\"", "\"hardwired.optimizer\":\"adaw\""),
            "an optimizer 'adaw', not 'adam'");
    // Damaged anywhere: every truncation is refused.
    for (std::size_t n = 0; n < good.size(); n += 7) {
        INFO("the first " << n << " bytes");
        CHECK_THROWS_AS(hw::io::from_checkpoint(good.substr(0, n), p, opt),
                        hw::io::safetensors_error);
    }
    CHECK(p == p0);
    CHECK(same_state(opt, opt0));
}
