#include "adapters/http/export_runner.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace fr::http {

struct ExportRunner::Places {
  std::mutex mu;
  int reserved = 0;  // Guarded by mu: slots alive.
};

class ExportRunner::Slot {
 public:
  explicit Slot(std::shared_ptr<Places> places) : places_(std::move(places)) {}
  ~Slot() {
    std::lock_guard lock(places_->mu);
    --places_->reserved;
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  const std::shared_ptr<Places> places_;
};

ExportRunner::ExportRunner(ExportRunnerOptions options)
    : options_(options), places_(std::make_shared<Places>()) {}

ExportRunner::~ExportRunner() { Stop(); }

std::shared_ptr<ExportRunner::Slot> ExportRunner::Reserve() {
  Reap();
  if (stopping()) return nullptr;
  std::lock_guard lock(places_->mu);
  if (places_->reserved >= options_.max_running) return nullptr;
  ++places_->reserved;
  return std::make_shared<Slot>(places_);
}

void ExportRunner::Run(std::shared_ptr<Slot> slot, std::function<void()> job) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  Running& entry = running_.emplace_back();
  entry.thread = std::thread([this, &entry, slot = std::move(slot),
                              job = std::move(job)]() mutable {
    try {
      job();
    } catch (const std::exception& error) {
      spdlog::error("export: ended by an exception: {}", error.what());
    }
    job = nullptr;
    slot.reset();  // the place is free before the thread is reaped
    std::lock_guard done_lock(mu_);
    entry.done = true;
  });
}

bool ExportRunner::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

void ExportRunner::Reap() {
  std::vector<std::thread> finished;
  {
    std::lock_guard lock(mu_);
    for (auto it = running_.begin(); it != running_.end();) {
      if (it->done) {
        finished.push_back(std::move(it->thread));
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (std::thread& thread : finished) thread.join();
}

void ExportRunner::Stop() {
  std::list<Running> all;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    all.swap(running_);
  }
  for (Running& entry : all) entry.thread.join();
}

}  // namespace fr::http
