// Role 1, include cost: the Hana umbrella header.
#include <boost/hana.hpp>

int main() {
    return 0;
}
