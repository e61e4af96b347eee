#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace fr {

// Values derived from shared, immutable objects, found again by the object's identity: a caller
// handed the same object again (a held list page, decision 0093) gets the derived value without
// deriving it again. A value is a pure function of its object, so it can never be stale: a
// changed page is another object. Each entry holds its object, so an address is never reused
// while it is a key. Bounded: at `capacity` entries a new object starts it over. Thread-safe.
template <typename Source, typename Derived>
class DerivedMemo {
 public:
  explicit DerivedMemo(std::size_t capacity) : capacity_(capacity) {}

  DerivedMemo(const DerivedMemo&) = delete;
  DerivedMemo& operator=(const DerivedMemo&) = delete;

  // `derive(*source)`, as remembered for this very object or derived now (outside the lock; two
  // threads may both derive the first time, and either result is kept). `source` is not null.
  template <typename Derive>
  std::shared_ptr<const Derived> Get(const std::shared_ptr<const Source>& source, Derive&& derive) {
    {
      std::lock_guard lock(mu_);
      const auto found = entries_.find(source.get());
      if (found != entries_.end()) return found->second.derived;
    }
    auto derived = std::make_shared<const Derived>(std::forward<Derive>(derive)(*source));
    std::lock_guard lock(mu_);
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.insert_or_assign(source.get(), Entry{source, derived});
    return derived;
  }

 private:
  struct Entry {
    std::shared_ptr<const Source> source;  // keeps the key's address from being reused
    std::shared_ptr<const Derived> derived;
  };
  std::mutex mu_;
  std::unordered_map<const Source*, Entry> entries_;  // Guarded by mu_.
  const std::size_t capacity_;
};

}  // namespace fr
