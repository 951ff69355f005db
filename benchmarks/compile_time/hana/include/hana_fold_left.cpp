// Role 1, include cost: one fine-grained Hana header.
#include <boost/hana/fold_left.hpp>

int main() {
    return 0;
}
