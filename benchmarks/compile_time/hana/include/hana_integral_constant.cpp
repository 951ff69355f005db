// Role 1, include cost: one fine-grained Hana header.
#include <boost/hana/integral_constant.hpp>

int main() {
    return 0;
}
