// Role 1, include cost: one fine-grained Hana header.
#include <boost/hana/type.hpp>

int main() {
    return 0;
}
