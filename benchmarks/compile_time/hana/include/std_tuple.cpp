// Role 1, include cost: the standard header <tuple>.
#include <tuple>

int main() {
    return 0;
}
