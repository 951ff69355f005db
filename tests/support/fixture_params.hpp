#pragma once
// A network's parameters from a PyTorch fixture (fixture_file.hpp): the fixture's parameter
// records, in file order (the module's state_dict order), are the network's tensors in order,
// shape for shape.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <hardwired/params.hpp>

#include "fixture_file.hpp"

namespace fixture {

/// The parameter records' names in file order: those with a module path ("0.weight_ih_l0",
/// "layer_arrays.0.rechannel.weight"), not gradients ("grad.…").
inline std::vector<std::string> parameter_names(file const& f) {
    std::vector<std::string> names;
    for (std::string const& n : f.order)
        if (n.find('.') != std::string::npos && n.rfind("grad.", 0) != 0)
            names.push_back(n);
    return names;
}

/// p from the fixture; `same_name(record name, tensor name)` must hold for each pair.
template <class Net, class T, class SameName>
void load_params(file const& f, hardwired::params<Net, T>& p, SameName const& same_name) {
    const std::vector<std::string> names = parameter_names(f);
    REQUIRE(names.size() == Net::tensors.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        hardwired::tensor const& t = Net::tensors[i];
        tensor const& ft = f[names[i]];
        INFO(names[i] << " for " << t.name);
        REQUIRE(same_name(names[i], std::string(t.name)));
        REQUIRE(ft.shape.size() == t.rank);
        for (std::size_t k = 0; k < t.rank; ++k)
            REQUIRE(ft.shape[k] == t.shape[k]);
        for (std::size_t e = 0; e < t.size(); ++e)
            p.values[t.at(e)] = static_cast<T>(ft.values[e]);
    }
}

} // namespace fixture
