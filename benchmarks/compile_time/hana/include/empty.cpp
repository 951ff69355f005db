// Role 1, include cost: the empty translation unit (the baseline).

int main() {
    return 0;
}
