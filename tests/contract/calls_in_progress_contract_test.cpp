// The calls in progress (decision 0039): the in-memory count of a single node and the shared
// one on SQLite and PostgreSQL keep the same promises; the SQL ones also hold across nodes and
// under concurrent claims, and keep the nodes' leases (decision 0040).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "adapters/storage/soci_calls_in_progress.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "app/in_process_calls_in_progress.hpp"
#include "contract/storage_backends.hpp"

namespace fr {
namespace {

Timestamp At(std::int64_t seconds) { return FromEpochMillis(1'800'000'000'000 + seconds * 1000); }

struct InMemoryBackend {
  HotlineId first{1}, second{2};
  InProcessCallsInProgress calls;
  CallsInProgress& Node() { return calls; }
};

template <typename StorageType>
struct SociBackend {
  using Storage = StorageType;
  SociBackend() {
    const OrganizationId organization = SociOrganizationRepository(*database).Create("Org", {})->id;
    if (!SociNumberInventory(*database)
             .Add({"004924155660000", "004924155660001"}, "DE", "Aachen")
             .ok()) {
      throw std::runtime_error("cannot add numbers");
    }
    SociHotlineRepository hotlines(*database);
    Hotline draft;
    draft.organization_id = organization;
    draft.name = "Notruf";
    first = hotlines.Create(draft, {"DE", "Aachen"}, 10, At(0))->id;
    second = hotlines.Create(draft, {"DE", "Aachen"}, 10, At(0))->id;
  }
  CallsInProgress& Node() { return node_a; }
  Storage storage;
  std::unique_ptr<Database> database = testing::OpenDatabase(storage, 8);
  HotlineId first, second;
  SociCallsInProgress node_a{*database, "a"};
  SociCallsInProgress node_b{*database, "b"};
};

template <typename Backend>
class CallsInProgressContract : public ::testing::Test {
 protected:
  Backend backend_;
};

using Backends = ::testing::Types<InMemoryBackend, SociBackend<testing::SqliteStorage>,
                                  SociBackend<testing::PostgresqlStorage>>;
TYPED_TEST_SUITE(CallsInProgressContract, Backends, testing::BackendNames);

TYPED_TEST(CallsInProgressContract, ClaimsStopAtTheLimitOfEachHotlineAndDirection) {
  CallsInProgress& calls = this->backend_.Node();
  const HotlineId hotline = this->backend_.first;
  const auto first = *calls.Claim(hotline, LegDirection::kInbound, 2, std::nullopt);
  const auto second = *calls.Claim(hotline, LegDirection::kInbound, 2, std::nullopt);
  ASSERT_TRUE(first && second);
  EXPECT_NE(*first, *second);
  EXPECT_FALSE(*calls.Claim(hotline, LegDirection::kInbound, 2, std::nullopt)) << "both taken";
  EXPECT_TRUE(*calls.Claim(hotline, LegDirection::kInbound, 3, std::nullopt))
      << "a higher limit (the hotline was changed) has room";
  EXPECT_TRUE(*calls.Claim(hotline, LegDirection::kOutbound, 1, std::nullopt))
      << "outbound channels are counted apart";
  EXPECT_TRUE(*calls.Claim(this->backend_.second, LegDirection::kInbound, 1, std::nullopt))
      << "and each hotline's";
  ASSERT_TRUE(calls.Release(*first).ok());
  ASSERT_TRUE(calls.Release(*first).ok()) << "idempotent";
  EXPECT_FALSE(*calls.Claim(hotline, LegDirection::kInbound, 2, std::nullopt))
      << "a second release of one claim frees nothing more";
  ASSERT_TRUE(calls.Release(*second).ok());
  EXPECT_TRUE(*calls.Claim(hotline, LegDirection::kInbound, 3, std::nullopt));
}

TYPED_TEST(CallsInProgressContract, APhoneIsInACallWhileItsClaimLasts) {
  CallsInProgress& calls = this->backend_.Node();
  const HotlineId hotline = this->backend_.first;
  const auto caller = **calls.Claim(hotline, LegDirection::kInbound, 5, "004924112345");
  const auto agent = **calls.Claim(hotline, LegDirection::kOutbound, 5, std::nullopt);
  EXPECT_TRUE(*calls.InCall("004924112345"));
  EXPECT_FALSE(*calls.InCall("00491701")) << "ringing is not a call";
  ASSERT_TRUE(calls.MarkInCall(agent, "00491701").ok());
  EXPECT_TRUE(*calls.InCall("00491701"));
  ASSERT_TRUE(calls.Release(agent).ok());
  ASSERT_TRUE(calls.MarkInCall(agent, "00491701").ok()) << "a late mark of a released claim";
  EXPECT_FALSE(*calls.InCall("00491701"));
  ASSERT_TRUE(calls.Release(caller).ok());
  EXPECT_FALSE(*calls.InCall("004924112345"));
}

// The shared count: several nodes on one database.
template <typename Backend>
class SharedCallsInProgress : public CallsInProgressContract<Backend> {};
using SqlBackends = ::testing::Types<SociBackend<testing::SqliteStorage>,
                                     SociBackend<testing::PostgresqlStorage>>;
TYPED_TEST_SUITE(SharedCallsInProgress, SqlBackends, testing::BackendNames);

TYPED_TEST(SharedCallsInProgress, TheLimitHoldsAcrossNodesUntilADeadNodeIsForgotten) {
  auto& backend = this->backend_;
  const auto held = **backend.node_a.Claim(backend.first, LegDirection::kInbound, 1, "00491701");
  EXPECT_FALSE(*backend.node_b.Claim(backend.first, LegDirection::kInbound, 1, std::nullopt));
  EXPECT_TRUE(*backend.node_b.InCall("00491701"));
  // a dies; once its lease ended, b forgets it: a's channels and phones are free.
  ASSERT_TRUE(backend.node_b.Forget("a").ok());
  EXPECT_FALSE(*backend.node_b.InCall("00491701"));
  const auto taken = *backend.node_b.Claim(backend.first, LegDirection::kInbound, 1, std::nullopt);
  EXPECT_TRUE(taken);
  ASSERT_TRUE(backend.node_a.Release(held).ok()) << "a's late release frees nothing of b's";
  EXPECT_FALSE(*backend.node_a.Claim(backend.first, LegDirection::kInbound, 1, std::nullopt));
}

TYPED_TEST(SharedCallsInProgress, ConcurrentClaimsOnSeveralNodesNeverExceedTheLimit) {
  auto& backend = this->backend_;
  constexpr int kLimit = 3, kThreads = 8;
  std::atomic<int> admitted{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      SociCallsInProgress& node = i % 2 == 0 ? backend.node_a : backend.node_b;
      const auto claim = node.Claim(backend.first, LegDirection::kOutbound, kLimit, std::nullopt);
      if (!claim.ok()) {
        ++failed;
      } else if (*claim) {
        ++admitted;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(admitted.load(), kLimit);
}

TYPED_TEST(SharedCallsInProgress, ExpiredLeasesAreFoundUntilTheNodeIsForgotten) {
  NodeLeases& leases = this->backend_.node_a;
  ASSERT_TRUE(leases.Renew("a", At(10)).ok());
  ASSERT_TRUE(leases.Renew("b", At(20)).ok());
  EXPECT_EQ(*leases.Expired(At(15), "x"), std::vector<std::string>{"a"});
  EXPECT_TRUE(leases.Expired(At(15), "a")->empty()) << "a node never expires itself";
  ASSERT_TRUE(leases.Renew("a", At(30)).ok());
  EXPECT_EQ(*leases.Expired(At(25), "x"), std::vector<std::string>{"b"});
  ASSERT_TRUE(leases.Forget("b").ok());
  EXPECT_TRUE(leases.Expired(At(25), "x")->empty());
  EXPECT_EQ(*leases.Expired(At(40), "x"), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace fr
