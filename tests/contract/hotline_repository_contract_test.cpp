// One suite for every HotlineRepository: the in-memory fake the core tests rely on must keep
// the same promises as SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>

#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "contract/storage_backends.hpp"
#include "domain/audit/audit.hpp"
#include "fakes/in_memory_hotline_repository.hpp"

namespace fr {
namespace {

const std::vector<std::string> kNumbers = {"004924155660000", "004924155660001",
                                           "004924155660002"};

struct InMemoryBackend {
  InMemoryBackend() {
    for (const auto& number : kNumbers) hotlines.AddNumber(number, "DE", "Aachen");
  }
  // Ids of two organisations and two users that exist.
  OrganizationId organization{1}, other_organization{2};
  UserId first_user{1}, second_user{2};
  testing::InMemoryHotlineRepository hotlines;
};

template <typename StorageType>
struct SociBackend {
  using Storage = StorageType;
  SociBackend() {
    SociOrganizationRepository organizations(*database);
    SociUserRepository users(*database);
    organization = organizations.Create("Org", {})->id;
    other_organization = organizations.Create("Other", {})->id;
    first_user = users.Create("Ann", {})->id;
    second_user = users.Create("Bob", {})->id;
    if (!SociNumberInventory(*database).Add(kNumbers, "DE", "Aachen").ok()) {
      throw std::runtime_error("cannot add numbers");
    }
  }
  Storage storage;
  std::unique_ptr<Database> database = testing::OpenDatabase(storage);
  OrganizationId organization, other_organization;
  UserId first_user, second_user;
  SociHotlineRepository hotlines{*database};
};

template <typename Backend>
class HotlineRepositoryContract : public ::testing::Test {
 protected:
  Timestamp At(std::int64_t seconds) { return FromEpochMillis(1'800'000'000'000 + seconds * 1000); }
  Hotline Draft() {
    Hotline hotline;
    hotline.organization_id = backend_.organization;
    hotline.name = "Notruf";
    hotline.agents = {backend_.second_user, backend_.first_user};
    hotline.tts_inbound = "Hallo";
    return hotline;
  }
  Result<Hotline> Create(int limit = 10, std::int64_t at = 0) {
    return backend_.hotlines.Create(Draft(), {"DE", "AACHEN"}, limit, At(at));
  }
  // Three hotlines, ours, theirs, ours (every number there is), with the first user as the
  // agent of ours and the second of theirs. Returns ours, in order.
  std::vector<HotlineId> CreateInterleaved() {
    std::vector<HotlineId> ours;
    for (int i = 0; i < 3; ++i) {
      Hotline draft = Draft();
      const bool other = i % 2 == 1;
      if (other) draft.organization_id = backend_.other_organization;
      draft.agents = {other ? backend_.second_user : backend_.first_user};
      const auto created = backend_.hotlines.Create(draft, {"DE", "AACHEN"}, 10, At(0));
      EXPECT_TRUE(created.ok());
      if (created.ok() && !other) ours.push_back(created->id);
    }
    return ours;
  }
  Backend backend_;
};

using Backends = ::testing::Types<InMemoryBackend, SociBackend<testing::SqliteStorage>,
                                  SociBackend<testing::PostgresqlStorage>>;
TYPED_TEST_SUITE(HotlineRepositoryContract, Backends, testing::BackendNames);

TYPED_TEST(HotlineRepositoryContract, CreateReservesDistinctNumbersUntilNoneIsLeft) {
  std::set<std::string> numbers;
  for (int i = 0; i < 3; ++i) {
    const auto created = this->Create();
    ASSERT_TRUE(created.ok()) << created.error().detail;
    numbers.insert(created->number);
    EXPECT_EQ(created->version, 1);
    const auto found = *this->backend_.hotlines.Find(created->id);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->agents, (std::vector<UserId>{this->backend_.second_user,
                                                  this->backend_.first_user}));
    EXPECT_EQ(found->tts_inbound, "Hallo");
    EXPECT_EQ(found->number, created->number);
  }
  EXPECT_EQ(numbers.size(), 3u);
  EXPECT_EQ(this->Create().error().code, ErrorCode::kResourceExhausted);
  const auto elsewhere =
      this->backend_.hotlines.Create(this->Draft(), {"DE", "Berlin"}, 10, this->At(0));
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kResourceExhausted);
}

TYPED_TEST(HotlineRepositoryContract, TheCityMatchFoldsUnicodeCase) {
  if constexpr (std::is_same_v<TypeParam, InMemoryBackend>) {
    GTEST_SKIP() << "the fake folds ASCII letters only";
  } else {
    ASSERT_TRUE(SociNumberInventory(*this->backend_.database)
                    .Add({"00492211234", "00492211235"}, "DE", "Köln")
                    .ok());
    const auto upper = this->backend_.hotlines.Create(this->Draft(), {"DE", "KÖLN"}, 10, this->At(0));
    ASSERT_TRUE(upper.ok()) << upper.error().detail;
    EXPECT_EQ(upper->number, "00492211234");
    // The same name with a combining diaeresis, as some keyboards send it.
    const auto decomposed =
        this->backend_.hotlines.Create(this->Draft(), {"DE", "ko\xCC\x88ln"}, 10, this->At(0));
    ASSERT_TRUE(decomposed.ok()) << decomposed.error().detail;
    EXPECT_EQ(decomposed->number, "00492211235");
    EXPECT_EQ(this->backend_.hotlines.Create(this->Draft(), {"DE", "Koln"}, 10, this->At(0))
                  .error()
                  .code,
              ErrorCode::kResourceExhausted);
  }
}

// Issue 15's fields round-trip, in a page too, and an update replaces the schedule whole.
TYPED_TEST(HotlineRepositoryContract, LanguageScheduleAndCallerRulesAreKept) {
  Hotline draft = this->Draft();
  draft.language = "de-AT";
  draft.tts_closed = "Wir sind geschlossen.";
  draft.reject_anonymous = true;
  draft.schedule = Schedule{"America/Los_Angeles",
                            {{Weekday::kFri, 22 * 60, 6 * 60}, {Weekday::kMon, 0, 1440}},
                            {"2026-12-24", "2026-12-31"}};
  const auto plain = this->Create();  // a neighbour without a schedule, in the same page
  ASSERT_TRUE(plain.ok());
  const auto created = this->backend_.hotlines.Create(draft, {"DE", "AACHEN"}, 10, this->At(0));
  ASSERT_TRUE(created.ok()) << created.error().detail;
  const auto found = **this->backend_.hotlines.Find(created->id);
  EXPECT_EQ(found.language, "de-AT");
  EXPECT_EQ(found.tts_closed, "Wir sind geschlossen.");
  EXPECT_TRUE(found.reject_anonymous);
  EXPECT_EQ(found.closed.action, FallbackAction::kMessage);
  EXPECT_EQ(found.no_answer.action, FallbackAction::kMessage);
  EXPECT_EQ(found.no_answer.max_seconds, kDefaultVoicemailSeconds);
  ASSERT_TRUE(found.schedule.has_value());
  EXPECT_EQ(*found.schedule, *draft.schedule);
  const auto page =
      **this->backend_.hotlines.ListByOrganization(this->backend_.organization, 10, 0);
  ASSERT_EQ(page.hotlines.size(), 2u);
  EXPECT_FALSE(page.hotlines[0].schedule.has_value());
  EXPECT_EQ(page.hotlines[0].language, "");
  EXPECT_FALSE(page.hotlines[0].reject_anonymous);
  EXPECT_EQ(page.hotlines[1].schedule, draft.schedule);

  Hotline changed = found;
  changed.schedule = Schedule{"Asia/Tokyo", {{Weekday::kSun, 9 * 60, 17 * 60}}, {}};
  ASSERT_TRUE(this->backend_.hotlines.Update(changed, std::nullopt, this->At(1)).ok());
  EXPECT_EQ((*this->backend_.hotlines.Find(created->id))->schedule, changed.schedule);
  changed.schedule.reset();
  const auto cleared = this->backend_.hotlines.Update(changed, std::nullopt, this->At(2));
  ASSERT_TRUE(cleared.ok());
  EXPECT_FALSE(cleared->schedule.has_value());
  EXPECT_FALSE((*this->backend_.hotlines.Find(created->id))->schedule.has_value());
}

// Both fallbacks keep their action and every field of it, through create and update.
TYPED_TEST(HotlineRepositoryContract, FallbacksAreKept) {
  Hotline draft = this->Draft();
  draft.no_answer = {FallbackAction::kVoicemail, "Bitte sprechen Sie.", 45, ""};
  draft.closed = {FallbackAction::kForward, "", 600, "004930123456"};
  const auto created = this->backend_.hotlines.Create(draft, {"DE", "AACHEN"}, 10, this->At(0));
  ASSERT_TRUE(created.ok()) << created.error().detail;
  const Hotline found = **this->backend_.hotlines.Find(created->id);
  EXPECT_EQ(found.no_answer.action, FallbackAction::kVoicemail);
  EXPECT_EQ(found.no_answer.tts_voicemail, "Bitte sprechen Sie.");
  EXPECT_EQ(found.no_answer.max_seconds, 45);
  EXPECT_EQ(found.closed.action, FallbackAction::kForward);
  EXPECT_EQ(found.closed.max_seconds, 600);
  EXPECT_EQ(found.closed.forward_to, "004930123456");
  Hotline changed = found;
  changed.no_answer = {FallbackAction::kForward, "kept", 10, "004989000000"};
  changed.closed = {FallbackAction::kMessage, "", 120, ""};
  ASSERT_TRUE(this->backend_.hotlines.Update(changed, std::nullopt, this->At(1)).ok());
  const auto page =
      **this->backend_.hotlines.ListByOrganization(this->backend_.organization, 10, 0);
  ASSERT_EQ(page.hotlines.size(), 1u);
  EXPECT_EQ(page.hotlines[0].no_answer.action, FallbackAction::kForward);
  EXPECT_EQ(page.hotlines[0].no_answer.tts_voicemail, "kept");
  EXPECT_EQ(page.hotlines[0].no_answer.max_seconds, 10);
  EXPECT_EQ(page.hotlines[0].no_answer.forward_to, "004989000000");
  EXPECT_EQ(page.hotlines[0].closed.action, FallbackAction::kMessage);
  EXPECT_EQ(page.hotlines[0].closed.forward_to, "");
}

TYPED_TEST(HotlineRepositoryContract, LimitPerOrganization) {
  ASSERT_TRUE(this->Create(1).ok());
  EXPECT_EQ(this->Create(1).error().code, ErrorCode::kResourceExhausted);
}

TYPED_TEST(HotlineRepositoryContract, ListPagesByIdWithTotal) {
  std::vector<HotlineId> ids;
  for (int i = 0; i < 3; ++i) {
    Hotline draft = this->Draft();
    // Each hotline its own agents, in its own order: a page must not mix them up.
    if (i == 1) draft.agents = {this->backend_.first_user};
    ids.push_back(this->backend_.hotlines.Create(draft, {"DE", "AACHEN"}, 10, this->At(0))->id);
  }
  const auto page = **this->backend_.hotlines.ListByOrganization(this->backend_.organization, 2, 1);
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.hotlines.size(), 2u);
  EXPECT_EQ(page.hotlines[0].id, ids[1]);
  EXPECT_EQ(page.hotlines[1].id, ids[2]);
  EXPECT_EQ(page.hotlines[0].agents, std::vector<UserId>{this->backend_.first_user});
  EXPECT_EQ(page.hotlines[1].agents,
            (std::vector<UserId>{this->backend_.second_user, this->backend_.first_user}));
  EXPECT_TRUE((*this->backend_.hotlines.ListByOrganization(this->backend_.organization, 10, 3))
                  ->hotlines.empty());
  EXPECT_EQ((*this->backend_.hotlines.ListByOrganization(OrganizationId(999), 10, 0))->total, 0);
}

TYPED_TEST(HotlineRepositoryContract, APageHoldsOnlyItsOrganizationsAgentsWhenIdsInterleave) {
  auto& backend = this->backend_;
  const std::vector<HotlineId> ours = this->CreateInterleaved();
  ASSERT_EQ(ours.size(), 2u);
  const auto page = **backend.hotlines.ListByOrganization(backend.organization, 10, 0);
  ASSERT_EQ(page.hotlines.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(page.hotlines[i].id, ours[i]);
    EXPECT_EQ(page.hotlines[i].agents, std::vector<UserId>{backend.first_user});
  }
  const auto theirs = **backend.hotlines.ListByOrganization(backend.other_organization, 10, 0);
  ASSERT_EQ(theirs.hotlines.size(), 1u);
  EXPECT_EQ(theirs.hotlines[0].agents, std::vector<UserId>{backend.second_user});
}

// A memo keyed by a page object is worth keeping only for a `held` page (decision 0096): such a
// page comes again as the same object until a change, and any other page is new each time.
TYPED_TEST(HotlineRepositoryContract, OnlyAHeldPageComesAgainAndAChangeMakesANewOne) {
  auto& hotlines = this->backend_.hotlines;
  const OrganizationId organization = this->backend_.organization;
  Hotline changed = *this->Create();
  const SharedHotlinePage first = *hotlines.ListByOrganization(organization, 10, 0);
  const SharedHotlinePage again = *hotlines.ListByOrganization(organization, 10, 0);
  // SQLite, with its change watch on a file, holds its pages (decision 0085); the others do not.
  EXPECT_EQ(first->held, testing::BackendNames::GetName<TypeParam>(0) == "Sqlite");
  EXPECT_EQ(again->held, first->held);
  EXPECT_EQ(again == first, first->held);
  changed.name = "Neu";
  ASSERT_TRUE(hotlines.Update(changed, std::nullopt, this->At(1)).ok());
  const SharedHotlinePage after = *hotlines.ListByOrganization(organization, 10, 0);
  EXPECT_NE(after, first);
  ASSERT_EQ(after->hotlines.size(), 1u);
  EXPECT_EQ(after->hotlines[0].name, "Neu");
}

TYPED_TEST(HotlineRepositoryContract, UpdateChecksTheVersionAndKeepsTheNumber) {
  const Hotline created = *this->Create();
  Hotline changed = created;
  changed.name = "Neu";
  changed.agents = {this->backend_.first_user};
  changed.number = "something else";
  const auto updated = this->backend_.hotlines.Update(changed, created.version, this->At(1));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->number, created.number);
  EXPECT_EQ(updated->agents, std::vector<UserId>{this->backend_.first_user});
  EXPECT_EQ(this->backend_.hotlines.Update(changed, created.version, this->At(2)).error().code,
            ErrorCode::kConflict);
  EXPECT_TRUE(this->backend_.hotlines.Update(changed, std::nullopt, this->At(2)).ok());
  changed.id = HotlineId(999);
  EXPECT_EQ(this->backend_.hotlines.Update(changed, std::nullopt, this->At(2)).error().code,
            ErrorCode::kNotFound);
}

// Updates from many threads at once (on SQLite, sharing group commits: decision 0091) each land
// once, with their own audit entry (decision 0058); one whose version check fails stores
// neither its change nor its entry, and leaves the others stored.
TYPED_TEST(HotlineRepositoryContract, ConcurrentUpdatesEachLandOnceWithTheirOwnAuditEntry) {
  std::vector<Hotline> created;
  for (int i = 0; i < 3; ++i) created.push_back(*this->Create());
  constexpr int kThreads = 6;
  constexpr int kEach = 15;
  std::atomic<int> failures{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t <= kThreads; ++t) {
    threads.emplace_back([&, t] {
      const AuditScope scope(AuditActor{.source_address = "thread " + std::to_string(t)});
      const bool stale = t == kThreads;  // updates with a version that never matches
      Hotline changed = created[t % 3];
      for (int i = 0; i < kEach; ++i) {
        changed.name = "Update " + std::to_string(t) + "." + std::to_string(i);
        AuditedChange audited;
        audited.Add(changed.organization_id, AuditType::kHotlineChanged, {.hotline = changed.id},
                    this->At(i));
        const auto updated = this->backend_.hotlines.Update(
            changed, stale ? std::optional<std::int64_t>(0) : std::nullopt, this->At(i));
        if (stale && !updated.ok() && updated.error().code == ErrorCode::kConflict) {
          ++conflicts;
        } else if (stale || !updated.ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(conflicts.load(), kEach);
  for (int i = 0; i < 3; ++i) {
    const auto found = *this->backend_.hotlines.Find(created[i].id);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->version, 1 + kEach * kThreads / 3) << "hotline " << i;
  }
  if constexpr (!std::is_same_v<TypeParam, InMemoryBackend>) {
    for (int i = 0; i < 3; ++i) {
      long long hotline = created[i].id.value;
      const auto entries = this->backend_.database->Run("count", [&](soci::session& session) {
        int count = 0;
        session << "SELECT COUNT(*) FROM audit_log WHERE hotline_id = :id AND type = "
                   "'hotline.changed'",
            soci::use(hotline), soci::into(count);
        return count;
      });
      ASSERT_TRUE(entries.ok());
      EXPECT_EQ(*entries, kEach * kThreads / 3) << "hotline " << i;
    }
    const std::string stale_source = "thread " + std::to_string(kThreads);
    const auto stale_entries = this->backend_.database->Run("count", [&](soci::session& session) {
      int count = 0;
      session << "SELECT COUNT(*) FROM audit_log WHERE source_address = :source",
          soci::use(stale_source), soci::into(count);
      return count;
    });
    ASSERT_TRUE(stale_entries.ok());
    EXPECT_EQ(*stale_entries, 0);
  }
}

// An update rewrites agents and schedule only where they differ from the stored ones: what is
// stored afterwards must be exactly what was given, order included.
TYPED_TEST(HotlineRepositoryContract, AnUpdateStoresAgentsAndScheduleExactlyAsGiven) {
  const UserId ann = this->backend_.first_user, bob = this->backend_.second_user;
  Hotline draft = this->Draft();  // agents Bob, Ann
  draft.schedule = Schedule{
      "Europe/Berlin", {{Weekday::kMon, 0, 600}, {Weekday::kTue, 60, 120}}, {"2026-12-24"}};
  const auto created = this->backend_.hotlines.Create(draft, {"DE", "AACHEN"}, 10, this->At(0));
  ASSERT_TRUE(created.ok()) << created.error().detail;
  const auto stored = [&] { return **this->backend_.hotlines.Find(created->id); };

  Hotline changed = *created;
  changed.name = "Neu";  // agents and schedule as stored
  const auto renamed = this->backend_.hotlines.Update(changed, std::nullopt, this->At(1));
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->name, "Neu");
  EXPECT_EQ(renamed->version, 2);
  EXPECT_EQ(renamed->agents, (std::vector<UserId>{bob, ann}));
  EXPECT_EQ(renamed->schedule, draft.schedule);
  EXPECT_EQ(stored().agents, (std::vector<UserId>{bob, ann}));
  EXPECT_EQ(stored().schedule, draft.schedule);

  changed.agents = {ann, bob};  // the same agents in another order
  changed.schedule->weekly = {{Weekday::kTue, 60, 120}, {Weekday::kMon, 0, 600}};
  changed.schedule->closed_dates = {"2026-12-24", "2026-12-31"};
  const auto reordered = this->backend_.hotlines.Update(changed, std::nullopt, this->At(2));
  ASSERT_TRUE(reordered.ok());
  EXPECT_EQ(reordered->agents, (std::vector<UserId>{ann, bob}));
  EXPECT_EQ(reordered->schedule, changed.schedule);
  EXPECT_EQ(stored().agents, (std::vector<UserId>{ann, bob}));
  EXPECT_EQ(stored().schedule, changed.schedule);

  changed.agents = {bob};
  changed.schedule->closed_dates = {"2026-12-31"};  // the ranges stay, one date goes
  ASSERT_TRUE(this->backend_.hotlines.Update(changed, std::nullopt, this->At(3)).ok());
  EXPECT_EQ(stored().agents, std::vector<UserId>{bob});
  EXPECT_EQ(stored().schedule, changed.schedule);

  changed.agents.clear();
  changed.schedule->weekly.clear();
  const auto emptied = this->backend_.hotlines.Update(changed, std::nullopt, this->At(4));
  ASSERT_TRUE(emptied.ok());
  EXPECT_TRUE(emptied->agents.empty());
  EXPECT_EQ(emptied->version, 5);
  EXPECT_TRUE(stored().agents.empty());
  EXPECT_EQ(stored().schedule, changed.schedule);
}

// Every field of a hotline, to compare two whole hotlines.
auto AllFields(const Hotline& h) {
  return std::tie(h.id, h.organization_id, h.name, h.agents, h.agents_with_active_phone,
                  h.agents_with_verified_phone, h.agents_ready, h.channels_inbound,
                  h.channels_outbound, h.is_active, h.tts_inbound, h.tts_outbound, h.confirm_answer,
                  h.language, h.schedule, h.no_answer.action, h.no_answer.tts_voicemail,
                  h.no_answer.max_seconds, h.no_answer.forward_to, h.closed.action,
                  h.closed.tts_voicemail, h.closed.max_seconds, h.closed.forward_to, h.tts_closed,
                  h.reject_anonymous, h.number, h.status, h.status_detail, h.version, h.created_at,
                  h.updated_at);
}

// An update answers the hotline exactly as a read finds it afterwards (the SQLite adapter builds
// the answer from what it wrote rather than reading it back, decision 0095).
TYPED_TEST(HotlineRepositoryContract, AnUpdateAnswersTheHotlineAsItIsReadAfterwards) {
  const auto created = this->Create();
  ASSERT_TRUE(created.ok()) << created.error().detail;
  int step = 0;
  const auto expect_answer_as_read = [&](const Hotline& changed) {
    SCOPED_TRACE("update " + std::to_string(++step));
    const auto updated = this->backend_.hotlines.Update(changed, std::nullopt, this->At(step));
    ASSERT_TRUE(updated.ok()) << updated.error().detail;
    const auto found = this->backend_.hotlines.Find(created->id);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_TRUE(AllFields(*updated) == AllFields(**found));
    EXPECT_EQ(updated->version, created->version + step);
  };
  Hotline changed = *created;
  changed.name = "Neu";
  changed.channels_inbound = 3;
  changed.channels_outbound = 4;
  changed.tts_inbound = "Guten Tag";
  changed.tts_outbound = "Ein Anruf";
  changed.confirm_answer = false;
  changed.language = "de-DE";
  changed.reject_anonymous = true;
  changed.tts_closed = "Geschlossen";
  expect_answer_as_read(changed);
  changed.agents = {this->backend_.first_user};
  changed.schedule = Schedule{"Europe/Berlin",
                              {{Weekday::kTue, 60, 120}, {Weekday::kMon, 0, 600}},
                              {"2026-12-31", "2026-12-24"}};
  expect_answer_as_read(changed);
  changed.status = HotlineStatus::kPaused;
  changed.is_active = false;
  changed.no_answer = {FallbackAction::kVoicemail, "Bitte sprechen Sie.", 45, ""};
  changed.closed = {FallbackAction::kForward, "", 600, "004930123456"};
  expect_answer_as_read(changed);
  changed.schedule.reset();
  changed.agents.clear();
  expect_answer_as_read(changed);
  expect_answer_as_read(changed);  // nothing changes but the version and the time
}

TYPED_TEST(HotlineRepositoryContract, DeletedNumberIsQuarantinedThenReused) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(this->Create().ok());
  const Hotline first = **this->backend_.hotlines.Find(HotlineId(1));
  EXPECT_EQ(this->backend_.hotlines.Delete(first.id, 7, this->At(100)).error().code,
            ErrorCode::kConflict);
  ASSERT_TRUE(this->backend_.hotlines.Delete(first.id, std::nullopt, this->At(100)).ok());
  EXPECT_FALSE(this->backend_.hotlines.Find(first.id)->has_value());
  EXPECT_EQ(this->backend_.hotlines.Delete(first.id, std::nullopt, this->At(100)).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(this->Create(10, 99).error().code, ErrorCode::kResourceExhausted);
  const auto reused = this->Create(10, 100);
  ASSERT_TRUE(reused.ok());
  EXPECT_EQ(reused->number, first.number);
}

TYPED_TEST(HotlineRepositoryContract, StatusTransitionsAreCompareAndSet) {
  const Hotline created = *this->Create();
  auto& hotlines = this->backend_.hotlines;
  EXPECT_EQ(hotlines.ClaimAwaitingProvisioning("a", 10, this->At(0), this->At(60))->size(), 1u);
  EXPECT_TRUE(*hotlines.TransitionStatus(created.id, HotlineStatus::kCreated,
                                         HotlineStatus::kProvisioning, "", this->At(1)));
  EXPECT_FALSE(*hotlines.TransitionStatus(created.id, HotlineStatus::kCreated,
                                          HotlineStatus::kProvisioning, "", this->At(2)));
  EXPECT_EQ(hotlines.ClaimAwaitingProvisioning("a", 10, this->At(2), this->At(62))->front().status,
            HotlineStatus::kProvisioning);
  EXPECT_TRUE(*hotlines.TransitionStatus(created.id, HotlineStatus::kProvisioning,
                                         HotlineStatus::kFailed, "carrier said no", this->At(3)));
  const Hotline failed = **hotlines.Find(created.id);
  EXPECT_EQ(failed.status_detail, "carrier said no");
  EXPECT_EQ(failed.version, 3);
  EXPECT_TRUE(hotlines.ClaimAwaitingProvisioning("a", 10, this->At(3), this->At(63))->empty());
  EXPECT_FALSE(*hotlines.TransitionStatus(HotlineId(999), HotlineStatus::kFailed,
                                          HotlineStatus::kActive, "", this->At(4)));
}

// The provisioning worker of every node claims its jobs (decision 0039): a hotline goes to one
// worker, which keeps it on its next rounds, until its hold ends and another takes it over.
TYPED_TEST(HotlineRepositoryContract, AProvisioningJobBelongsToOneWorkerUntilItsHoldEnds) {
  const Hotline first = *this->Create(10, 0);
  const Hotline second = *this->Create(10, 1);
  auto& hotlines = this->backend_.hotlines;
  const auto a = *hotlines.ClaimAwaitingProvisioning("a", 1, this->At(10), this->At(70));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a.front().id, first.id) << "oldest change first";
  const auto b = *hotlines.ClaimAwaitingProvisioning("b", 10, this->At(20), this->At(80));
  ASSERT_EQ(b.size(), 1u) << "a's job is passed over";
  EXPECT_EQ(b.front().id, second.id);
  EXPECT_TRUE(hotlines.ClaimAwaitingProvisioning("c", 10, this->At(30), this->At(90))->empty());
  const auto again = *hotlines.ClaimAwaitingProvisioning("a", 10, this->At(40), this->At(100));
  ASSERT_EQ(again.size(), 1u) << "a keeps its own job";
  EXPECT_EQ(again.front().id, first.id);
  // a stops (its hold ends at 100); b goes on and takes a's job over.
  const auto taken = *hotlines.ClaimAwaitingProvisioning("b", 10, this->At(101), this->At(160));
  EXPECT_EQ(taken.size(), 2u);
  EXPECT_EQ((*hotlines.Find(first.id))->version, 1) << "a claim is not a change of the hotline";
}

TYPED_TEST(HotlineRepositoryContract, RemovedAgentLeavesOnlyThatOrganizationsHotlines) {
  const Hotline created = *this->Create();
  ASSERT_TRUE(this->backend_.hotlines
                  .RemoveAgentFromOrganization(OrganizationId(999), this->backend_.first_user)
                  .ok());
  EXPECT_EQ((*this->backend_.hotlines.Find(created.id))->agents.size(), 2u);
  ASSERT_TRUE(this->backend_.hotlines
                  .RemoveAgentFromOrganization(this->backend_.organization,
                                               this->backend_.first_user)
                  .ok());
  EXPECT_EQ((*this->backend_.hotlines.Find(created.id))->agents,
            std::vector<UserId>{this->backend_.second_user});
}

// The organisation export's paging: by key, so a hotline deleted after it was listed shifts
// no other out of the next page.
TYPED_TEST(HotlineRepositoryContract, ListAfterPagesOneOrganizationByIdPastADeletedHotline) {
  auto& backend = this->backend_;
  const std::vector<HotlineId> ours = this->CreateInterleaved();
  ASSERT_EQ(ours.size(), 2u);
  const auto first = *backend.hotlines.ListByOrganizationAfter(backend.organization, {}, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, ours[0]);
  EXPECT_EQ(first[0].agents, std::vector<UserId>{backend.first_user});
  ASSERT_TRUE(backend.hotlines.Delete(ours[0], std::nullopt, this->At(1)).ok());
  const auto second = *backend.hotlines.ListByOrganizationAfter(backend.organization, ours[0], 1);
  ASSERT_EQ(second.size(), 1u) << "the other organisation's hotline in between is passed over";
  EXPECT_EQ(second[0].id, ours[1]);
  EXPECT_EQ(second[0].agents, std::vector<UserId>{backend.first_user});
  EXPECT_TRUE(backend.hotlines.ListByOrganizationAfter(backend.organization, ours[1], 1)->empty());
  const auto all = *backend.hotlines.ListByOrganizationAfter(backend.organization, {}, 10);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, ours[1]);
}

}  // namespace
}  // namespace fr
