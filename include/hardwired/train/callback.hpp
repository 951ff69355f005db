#pragma once
/// `hw::callback<R(Args...)>`: an owning, copyable holder of any callable, empty by default; the
/// type of `hw::fit_options::on_epoch` and `stop_when`.
///
///     hw::callback<void(hw::fit_progress const&)> cb = [&](auto const& p) { log(p.loss); };
///     if (cb) cb(progress);
///
/// It is what std::function is for those two members, without including <functional>, which
/// cost 0.1 s of compile time in every translation unit that includes <hardwired/hardwired.hpp>
/// (g++ 12 -O2). The callable is stored on the heap when a callback is made or copied (fit's
/// options are set up once; nothing is allocated per call). Calling an empty callback is a
/// precondition violation, as for a null function pointer.

#include <cstddef>
#include <type_traits>
#include <utility>

namespace hardwired {

template <class Signature>
class callback;

template <class R, class... Args>
class callback<R(Args...)> {
public:
    /// Empty.
    callback() noexcept = default;
    callback(std::nullptr_t) noexcept {}

    /// Holds a copy of `f` (moved from an rvalue): a lambda, function object, function or
    /// function pointer (a null one gives an empty callback); not a member pointer.
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, callback> &&
             !std::is_member_pointer_v<std::decay_t<F>> &&
             std::is_copy_constructible_v<std::decay_t<F>> &&
             std::is_invocable_r_v<R, std::decay_t<F>&, Args...>) callback(F&& f) {
        using D = std::decay_t<F>;
        if constexpr (std::is_pointer_v<std::remove_cvref_t<F>>) // not for a function's name
            if (f == nullptr)
                return;
        object_ = new D(std::forward<F>(f));
        ops_ = &ops_for<D>;
    }

    callback(callback const& other)
        : object_(other.object_ ? other.ops_->clone(other.object_) : nullptr), ops_(other.ops_) {}
    callback(callback&& other) noexcept
        : object_(std::exchange(other.object_, nullptr)), ops_(other.ops_) {}
    callback& operator=(callback other) noexcept {
        std::swap(object_, other.object_);
        std::swap(ops_, other.ops_);
        return *this;
    }
    ~callback() {
        if (object_)
            ops_->destroy(object_);
    }

    /// Whether it holds a callable.
    explicit operator bool() const noexcept { return object_ != nullptr; }

    /// Calls the held callable; the callback must not be empty.
    R operator()(Args... args) const { return ops_->invoke(object_, std::forward<Args>(args)...); }

private:
    // What the held object of type D needs, as plain functions (no virtual table).
    struct operations {
        R (*invoke)(void*, Args&&...);
        void* (*clone)(void const*);
        void (*destroy)(void*);
    };
    template <class D>
    static constexpr operations ops_for{
        [](void* o, Args&&... args) -> R {
            return static_cast<R>((*static_cast<D*>(o))(std::forward<Args>(args)...));
        },
        [](void const* o) -> void* { return new D(*static_cast<D const*>(o)); },
        [](void* o) { delete static_cast<D*>(o); }};

    void* object_ = nullptr;
    operations const* ops_ = nullptr;
};

} // namespace hardwired
