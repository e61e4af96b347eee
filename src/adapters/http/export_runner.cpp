#include "adapters/http/export_runner.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <string>
#include <vector>

namespace fr::http {

struct ExportRunner::Places {
  std::mutex mu;
  int reserved = 0;                                  // Guarded by mu: slots alive.
  std::map<std::string, int> reserved_by_requester;  // Guarded by mu.
};

class ExportRunner::Slot {
 public:
  Slot(std::shared_ptr<Places> places, std::string requester)
      : places_(std::move(places)), requester_(std::move(requester)) {}
  ~Slot() {
    std::lock_guard lock(places_->mu);
    --places_->reserved;
    const auto mine = places_->reserved_by_requester.find(requester_);
    if (--mine->second == 0) places_->reserved_by_requester.erase(mine);
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  const std::shared_ptr<Places> places_;
  const std::string requester_;
};

ExportRunner::ExportRunner(ExportRunnerOptions options)
    : options_(options), places_(std::make_shared<Places>()) {}

ExportRunner::~ExportRunner() { Stop(); }

std::shared_ptr<ExportRunner::Slot> ExportRunner::Reserve(const std::string& requester) {
  Reap();
  if (stopping()) return nullptr;
  std::lock_guard lock(places_->mu);
  if (places_->reserved >= options_.max_running) return nullptr;
  int& mine = places_->reserved_by_requester[requester];
  if (mine >= options_.max_running_per_requester) {
    if (mine == 0) places_->reserved_by_requester.erase(requester);
    return nullptr;
  }
  ++mine;
  ++places_->reserved;
  return std::make_shared<Slot>(places_, requester);
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
