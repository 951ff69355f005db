// Role 1, include cost: one fine-grained Hana header.
#include <boost/hana/unpack.hpp>

int main() {
    return 0;
}
