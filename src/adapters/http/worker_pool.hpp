#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fr::http {

// A fixed set of threads running tasks from a bounded queue. Storage blocks, so requests run
// here and never on the I/O threads. Thread-safe.
class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_capacity);
  ~WorkerPool();  // runs what is queued, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when the queue is full or the pool is stopping (the caller answers 503).
  bool TrySubmit(std::function<void()> task);

  // Stops taking tasks, finishes the queued ones and joins the threads. Idempotent.
  void Shutdown();

 private:
  void Work();

  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace fr::http
