// Weights in and out: train a small network, save a checkpoint halfway, resume from it in fresh
// objects and finish; the result is bit for bit the run that never stopped. Then save the
// parameters as safetensors (PyTorch's state_dict names), load them back, and show what a load
// of the wrong network says.

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <hardwired/hardwired.hpp>
#include <hardwired/io/checkpoint.hpp>

namespace hw = hardwired;

using net = hw::network<hw::input<2>, hw::dense<16, hw::tanh>, hw::dense<1>>;

int main() {
    // y = sin(x0) · cos(x1) on a grid.
    std::vector<std::array<float, 2>> xs;
    std::vector<std::array<float, 1>> ys;
    for (int i = 0; i < 16; ++i)
        for (int j = 0; j < 16; ++j) {
            const float a = -2 + 0.25f * static_cast<float>(i),
                        b = -2 + 0.25f * static_cast<float>(j);
            xs.push_back({a, b});
            ys.push_back({std::sin(a) * std::cos(b)});
        }
    const auto dir = std::filesystem::temp_directory_path();
    const auto checkpoint = dir / "hardwired_example.ckpt.safetensors";
    const auto weights = dir / "hardwired_example.safetensors";
    hw::fit_options options{.epochs = 60, .batch_size = 16, .seed = 1, .print_progress = false};

    // In one go.
    hw::params<net> straight;
    hw::init::xavier(straight, 3);
    hw::adam<net> opt_straight{.lr = 0.01f};
    const auto all = hw::fit<hw::mse_loss>(straight, opt_straight, xs, ys, options);

    // 30 epochs, a checkpoint; then fresh objects, loaded, epochs 31 to 60.
    {
        hw::params<net> p;
        hw::init::xavier(p, 3);
        hw::adam<net> opt{.lr = 0.01f};
        hw::fit<hw::mse_loss>(p, opt, xs, ys,
                              {.epochs = 30, .batch_size = 16, .seed = 1, .print_progress = false});
        hw::io::save_checkpoint(checkpoint, p, opt);
    }
    hw::params<net> p;
    hw::adam<net> opt;
    hw::io::load_checkpoint(checkpoint, p, opt);
    options.first_epoch = 31;
    hw::fit<hw::mse_loss>(p, opt, xs, ys, options);
    std::printf("loss after 60 epochs: %.6f; resumed at epoch 31: %s\n",
                static_cast<double>(all.loss_history.back()),
                p == straight ? "bit-identical parameters" : "DIFFERENT parameters");

    // Parameters as safetensors, as nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    // would name them.
    hw::io::save_safetensors(weights, p);
    std::printf("%s:", weights.filename().c_str());
    for (auto const& t : hw::io::tensor_names<net>())
        std::printf(" %s", t.name.c_str());
    hw::params<net> q;
    hw::io::load_safetensors(weights, q);
    std::printf("\nloaded back: %s\n", q == p ? "equal" : "DIFFERENT");

    // The wrong network: refused, its parameters untouched.
    using other = hw::network<hw::input<2>, hw::dense<8, hw::tanh>, hw::dense<1>>;
    hw::params<other> r;
    try {
        hw::io::load_safetensors(weights, r);
    } catch (hw::io::safetensors_error const& e) {
        std::printf("into another network: %.*s...\n", 110, e.what());
    }
    std::filesystem::remove(checkpoint);
    std::filesystem::remove(weights);
    return p == straight && q == p ? 0 : 1;
}
