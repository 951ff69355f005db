// Role 1, include cost: the standard header <array>.
#include <array>

int main() {
    return 0;
}
