// hw::callback, the owning callable of fit's options: empty states, calls and result
// conversion, copies that own independent state, moves, assignment, and that every held object
// is destroyed exactly once (the sanitizer build also reports leaks).
#include <catch2/catch.hpp>

#include <functional>
#include <hardwired/train/callback.hpp>
#include <utility>

namespace hw = hardwired;

namespace {

int twice(int x) {
    return 2 * x;
}

// Counts live instances, so that the tests see every copy destroyed.
struct tracked {
    static inline int live = 0;
    int value;
    explicit tracked(int v) : value(v) { ++live; }
    tracked(tracked const& o) : value(o.value) { ++live; }
    ~tracked() { --live; }
    int operator()(int x) const { return value + x; }
};

} // namespace

TEST_CASE("callback: empty by default, from nullptr and from a null function pointer",
          "[callback]") {
    const hw::callback<void()> a;
    const hw::callback<void()> b = nullptr;
    int (*null_fn)(int) = nullptr;
    const hw::callback<int(int)> c = null_fn;
    CHECK_FALSE(a);
    CHECK_FALSE(b);
    CHECK_FALSE(c);
}

TEST_CASE("callback: calls lambdas and functions, converting the result", "[callback]") {
    int seen = 0;
    const hw::callback<void(int)> store = [&](int x) { seen = x; };
    REQUIRE(store);
    store(7);
    CHECK(seen == 7);

    const hw::callback<int(int)> fn = &twice;
    REQUIRE(fn);
    CHECK(fn(21) == 42);
    const hw::callback<int(int)> by_name = twice; // a function, not a pointer: no null check
    CHECK(by_name(1) == 2);

    const hw::callback<bool(int)> odd = [](int x) { return x % 2; }; // int converted to bool
    CHECK(odd(3));
    CHECK_FALSE(odd(4));

    const std::function<int(int)> std_fn = [](int x) { return x + 1; };
    const hw::callback<int(int)> from_std = std_fn;
    CHECK(from_std(1) == 2);
}

TEST_CASE("callback: a copy owns its own state; a move empties the source", "[callback]") {
    hw::callback<int()> counter = [n = 0]() mutable { return ++n; };
    CHECK(counter() == 1);
    hw::callback<int()> copy = counter;
    CHECK(copy() == 2);
    CHECK(copy() == 3);
    CHECK(counter() == 2); // unaffected by the copy's calls

    hw::callback<int()> moved = std::move(counter);
    CHECK_FALSE(counter); // NOLINT(bugprone-use-after-move): the moved-from state is specified
    CHECK(moved() == 3);
}

TEST_CASE("callback: assignment replaces the held object; each is destroyed once", "[callback]") {
    REQUIRE(tracked::live == 0);
    {
        hw::callback<int(int)> a = tracked(1);
        CHECK(tracked::live == 1);
        hw::callback<int(int)> b = tracked(10);
        CHECK(a(5) == 6);
        CHECK(b(5) == 15);

        a = b; // a's old object destroyed, b's copied
        CHECK(tracked::live == 2);
        CHECK(a(5) == 15);

        b = nullptr;
        CHECK_FALSE(b);
        CHECK(tracked::live == 1);

        auto& self = a;
        a = self; // self-assignment keeps the object
        CHECK(a(0) == 10);
        CHECK(tracked::live == 1);
    }
    CHECK(tracked::live == 0);
}
