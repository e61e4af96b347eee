#include "adapters/http/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <set>
#include <thread>
#include <vector>

namespace fr::http {
namespace {

TEST(WorkerPool, RunsEveryTaskSubmittedFromManyThreadsOnItsOwnThreads) {
  constexpr int kSubmitters = 4;
  constexpr int kTasksEach = 500;
  WorkerPool pool(3, 64);
  std::atomic<int> ran = 0;
  std::mutex mu;
  std::set<std::thread::id> workers;  // Guarded by mu.
  std::vector<std::thread> submitters;
  for (int s = 0; s < kSubmitters; ++s) {
    submitters.emplace_back([&] {
      for (int i = 0; i < kTasksEach; ++i) {
        const auto task = [&] {
          ++ran;
          std::lock_guard lock(mu);
          workers.insert(std::this_thread::get_id());
        };
        while (!pool.TrySubmit(task)) std::this_thread::yield();  // full: try again
      }
    });
  }
  for (std::thread& submitter : submitters) submitter.join();
  pool.Shutdown();
  EXPECT_EQ(ran.load(), kSubmitters * kTasksEach);
  EXPECT_LE(workers.size(), 3u);
  EXPECT_EQ(workers.count(std::this_thread::get_id()), 0u) << "never on the caller's thread";
}

TEST(WorkerPool, AFullQueueRefusesAndAcceptsAgainOnceDrained) {
  WorkerPool pool(1, 2);
  std::latch started(1), release(1);
  std::atomic<int> ran = 0;
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.count_down();
    release.wait();
    ++ran;
  }));
  started.wait();  // the one worker is busy; the queue is empty
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; })) << "two queued: full";
  release.count_down();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ran.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 4);
}

TEST(WorkerPool, ShutdownFinishesWhatIsQueuedAndRefusesMore) {
  WorkerPool pool(1, 100);
  std::latch release(1);
  std::atomic<int> ran = 0;
  ASSERT_TRUE(pool.TrySubmit([&] { release.wait(); }));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(pool.TrySubmit([&] { ++ran; }));
  std::thread stopper([&] { pool.Shutdown(); });
  // Shutdown waits for the queue; whatever arrives meanwhile is refused.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pool.TrySubmit([] {}) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));
  release.count_down();
  stopper.join();
  EXPECT_EQ(ran.load(), 10);
  pool.Shutdown();  // idempotent
  EXPECT_FALSE(pool.TrySubmit([] {}));
}

}  // namespace
}  // namespace fr::http
