// Role 1, include cost: <array>, <tuple> and <utility> together, the standard headers a library
// would include anyway.
#include <array>
#include <tuple>
#include <utility>

int main() {
    return 0;
}
