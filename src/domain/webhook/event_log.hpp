#pragma once

#include <vector>

#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/webhook/webhook.hpp"

namespace fr {

// Port: an organisation's events as the outbox recorded them (decision 0063), in the order of
// their ids: what the event stream reads, and resumes from. Events are kept as long as the
// outbox keeps them (30 days). Thread-safe; errors: kUnavailable, kInternal.
class EventLog {
 public:
  virtual ~EventLog() = default;
  // The organisation's events with an id above `after`, in id order, at most `limit`.
  virtual Result<std::vector<WebhookEvent>> EventsAfter(OrganizationId organization,
                                                        WebhookEventId after, int limit) = 0;
  // The id of the organisation's newest event; an invalid id when it has none.
  virtual Result<WebhookEventId> LatestEventId(OrganizationId organization) = 0;
};

}  // namespace fr
