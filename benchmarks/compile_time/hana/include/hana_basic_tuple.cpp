// Role 1, include cost: one fine-grained Hana header.
#include <boost/hana/basic_tuple.hpp>

int main() {
    return 0;
}
