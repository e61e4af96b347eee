#include "app/stored_number_plan.hpp"

#include <utility>

namespace fr {

std::optional<PhoneNumber> StoredNumberPlan::Parse(std::string_view text,
                                                   PhoneNumberProblem* problem) const {
  auto answer = Remembered(text);
  if (!answer) {
    // Parsed outside the lock: two threads may parse the same new number once each.
    answer.emplace();
    answer->number = plan_.Parse(text, &answer->problem);
    Keep(text, *answer);
  }
  if (!answer->number && problem) *problem = answer->problem;
  return std::move(answer->number);
}

std::optional<PhoneNumber> StoredNumberPlan::ParseUnremembered(std::string_view text) const {
  if (auto answer = Remembered(text)) return std::move(answer->number);
  return plan_.Parse(text, nullptr);
}

void StoredNumberPlan::Remember(std::string_view text, const PhoneNumber& number) const {
  Keep(text, Answer{.number = number});
}

std::optional<StoredNumberPlan::Answer> StoredNumberPlan::Remembered(std::string_view text) const {
  const std::lock_guard lock(mu_);
  const auto found = answers_.find(text);
  if (found == answers_.end()) return std::nullopt;
  return found->second;
}

void StoredNumberPlan::Keep(std::string_view text, Answer answer) const {
  const std::lock_guard lock(mu_);
  if (answers_.size() >= capacity_ && !answers_.contains(text)) answers_.clear();
  answers_.insert_or_assign(std::string(text), std::move(answer));
}

}  // namespace fr
