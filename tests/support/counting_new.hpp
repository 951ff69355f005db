#pragma once
// Replaces the global operator new and new[] (every overload that allocates: plain, nothrow,
// aligned, aligned nothrow) by counting versions, for tests that assert no heap allocation.
// Include it in exactly one translation unit of a test executable.
//
// Catch2's macros may allocate, so read every count into a local before any REQUIRE.

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> allocation_count{0};

void* counted_malloc(std::size_t size) noexcept {
    allocation_count.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}

void* counted_aligned_alloc(std::size_t size, std::align_val_t align) noexcept {
    allocation_count.fetch_add(1, std::memory_order_relaxed);
    const auto a = static_cast<std::size_t>(align);
    // aligned_alloc wants a size that is a non-zero multiple of the alignment
    const std::size_t rounded = size == 0 ? a : (size + a - 1) / a * a;
    return std::aligned_alloc(a, rounded);
}

void* counted_or_throw(void* p) {
    if (p == nullptr)
        throw std::bad_alloc();
    return p;
}

} // namespace

// Replacements of the global allocation functions ([new.delete]). The aligned ones are released
// with free() too: aligned_alloc's memory is free()'d.
void* operator new(std::size_t size) {
    return counted_or_throw(counted_malloc(size));
}
void* operator new[](std::size_t size) {
    return counted_or_throw(counted_malloc(size));
}
void* operator new(std::size_t size, std::nothrow_t const&) noexcept {
    return counted_malloc(size);
}
void* operator new[](std::size_t size, std::nothrow_t const&) noexcept {
    return counted_malloc(size);
}
void* operator new(std::size_t size, std::align_val_t align) {
    return counted_or_throw(counted_aligned_alloc(size, align));
}
void* operator new[](std::size_t size, std::align_val_t align) {
    return counted_or_throw(counted_aligned_alloc(size, align));
}
void* operator new(std::size_t size, std::align_val_t align, std::nothrow_t const&) noexcept {
    return counted_aligned_alloc(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, std::nothrow_t const&) noexcept {
    return counted_aligned_alloc(size, align);
}

void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::nothrow_t const&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::nothrow_t const&) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t, std::nothrow_t const&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t, std::nothrow_t const&) noexcept {
    std::free(p);
}

namespace test {

inline std::size_t allocations() {
    return allocation_count.load(std::memory_order_relaxed);
}

// Number of allocations made while running f.
template <class F>
std::size_t allocations_during(F&& f) {
    const std::size_t before = allocations();
    f();
    return allocations() - before;
}
} // namespace test
