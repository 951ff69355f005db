// Role 1, include cost: one fine-grained Hana header.
#include <boost/hana/for_each.hpp>

int main() {
    return 0;
}
