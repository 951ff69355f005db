#pragma once
// Reads the reference fixtures of tests/torch/fixtures (see the README there): lines
//   tensor <name> <f32|f64> <rank> <dims...> <values, row-major>
// and '#' comments. Values are kept as the double nearest their decimal text: an f32 file's
// value cast to float is the float32 PyTorch computed (it was printed with 9 digits).

#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fixture {

struct tensor {
    std::vector<std::size_t> shape;
    std::vector<double> values;
};

/// The file's tensors by name, and the names in file order.
struct file {
    std::map<std::string, tensor> tensors;
    std::vector<std::string> order;

    tensor const& operator[](std::string const& name) const {
        const auto it = tensors.find(name);
        if (it == tensors.end())
            throw std::runtime_error("fixture: no tensor " + name);
        return it->second;
    }
    bool has(std::string const& name) const { return tensors.count(name) > 0; }
};

inline file read(std::string const& path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("fixture: cannot open " + path);
    file f;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream words(line);
        std::string kind, name, dtype;
        std::size_t rank = 0;
        if (!(words >> kind >> name >> dtype >> rank) || kind != "tensor")
            throw std::runtime_error("fixture: bad line in " + path + ": " + line.substr(0, 60));
        tensor t;
        std::size_t count = 1;
        for (std::size_t k = 0; k < rank; ++k) {
            std::size_t d = 0;
            words >> d;
            t.shape.push_back(d);
            count *= d;
        }
        t.values.resize(count);
        for (double& v : t.values)
            if (!(words >> v))
                throw std::runtime_error("fixture: short tensor " + name + " in " + path);
        f.order.push_back(name);
        f.tensors.emplace(name, std::move(t));
    }
    return f;
}

/// max |a − b| / max |b|: the normwise relative error of `got` against `want`.
template <class Got>
double relative_error(Got const& got, std::vector<double> const& want) {
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        diff = std::fmax(diff, std::fabs(static_cast<double>(got[i]) - want[i]));
        scale = std::fmax(scale, std::fabs(want[i]));
    }
    return scale > 0 ? diff / scale : diff;
}

} // namespace fixture
