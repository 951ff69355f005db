// Role 1, include cost: the standard header <utility>.
#include <utility>

int main() {
    return 0;
}
