// Role 1, include cost: the three Hana headers of hana_basic_tuple_for_each_fold_left.cpp on top of
// std_array_tuple_utility.cpp's standard headers: what Hana adds to a library that includes those.
#include <array>
#include <tuple>
#include <utility>

#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/for_each.hpp>

int main() {
    return 0;
}
