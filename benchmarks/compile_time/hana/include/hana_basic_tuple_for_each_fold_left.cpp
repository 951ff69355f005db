// Role 1, include cost: the three Hana headers a heterogeneous-state container needs.
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/for_each.hpp>

int main() {
    return 0;
}
