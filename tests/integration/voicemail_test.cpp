// Voicemail end to end (issue 15 §1, §2, §7; decisions 0054, 0055): a sipp caller whom nobody
// can take hears the prompt and the beep, talks (an RTP probe stands in for its phone), and is
// recorded; the message is listed, downloaded whole and by range (the WAV is read by Python's
// own parser), marked, and deleted with its file. Silence ends the recording after 1 s here
// (--voicemail-silence 1s) so that the test takes seconds.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "integration/telephony_fixture.hpp"
#include "support/webhook_receiver.hpp"

namespace fr::testing {
namespace {

using namespace std::chrono_literals;

class VoicemailTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override {
    return {"--voicemail-silence", "1s", "--webhook-allow-http", "127.0.0.1",
            "--webhook-allow-private"};
  }

  // A hotline that rings nobody and takes voicemail at once.
  std::int64_t VoicemailHotline() {
    return CreateHotline({{"agents", json::array()},
                          {"ttsInbound", ""},
                          {"noAnswer", {{"action", "voicemail"}, {"maxSeconds", 10}}}});
  }

  // Calls the hotline and, once the prompt and the beep are over (nothing arrived for 700 ms
  // after the prompt), talks for `packets` × 20 ms, then falls silent. Returns the call log,
  // the hotline's `nth` call.
  json LeaveMessage(std::int64_t hotline, int packets, int nth = 1) {
    RtpProbe phone;
    SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", phone));
    EXPECT_TRUE(phone.WaitUntil([](const auto& received) { return received.size() >= 100; }, 20s))
        << "the prompt never came: " << caller.Logs();
    std::size_t seen = 0;
    auto quiet_since = std::chrono::steady_clock::now();
    const auto give_up = quiet_since + 30s;
    while (std::chrono::steady_clock::now() - quiet_since < 700ms &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(20ms);
      const std::size_t now = phone.Packets().size();
      if (now != seen) {
        seen = now;
        quiet_since = std::chrono::steady_clock::now();
      }
    }
    phone.Send(phone.Packets().front().source_port, kCallerVoice, packets);
    EXPECT_EQ(caller.Wait(), 0) << "the service hangs up after the silence: " << caller.Logs();
    return WaitForEndedCall(hotline, nth);
  }

  HttpResult Get(const std::string& path, const std::string& token) {
    return client_->Get(path, {Api(token)});
  }
};

TEST_F(VoicemailTest, AMessageIsRecordedListedDownloadedAndDeletedWithItsFile) {
  const std::int64_t hotline = VoicemailHotline();
  const json log = LeaveMessage(hotline, 75);  // 1.5 s
  EXPECT_EQ(log["outcome"], "voicemail") << log;
  ASSERT_TRUE(log["voicemailID"].is_number()) << log;
  EXPECT_TRUE(Has(Types(log), "voicemail_recorded")) << log;

  const std::string base = "/v1/hotlines/" + Str(hotline) + "/voicemails";
  const json page = Get(base, org_a_token_).Json();
  ASSERT_EQ(page["totalVoicemails"], 1) << page;
  const json voicemail = page["voicemails"][0];
  EXPECT_EQ(voicemail["id"], log["voicemailID"]);
  EXPECT_EQ(voicemail["callLogID"], log["id"]);
  EXPECT_EQ(voicemail["caller"], "004924112345");
  EXPECT_EQ(voicemail["listened"], false);
  EXPECT_NEAR(voicemail["durationMs"].get<double>(), 1500, 100) << voicemail;
  const std::string one = base + "/" + Str(voicemail["id"]);

  // The whole file: a WAV that Python's wave module reads as 8 kHz 16-bit mono of the length
  // that was sent.
  const auto audio = Get(one + "/audio", org_a_token_);
  ASSERT_EQ(audio.status, 200) << audio.body;
  EXPECT_EQ(audio.Header("content-type"), "audio/wav");
  EXPECT_EQ(audio.Header("accept-ranges"), "bytes");
  const auto wav = server_.dir() / "download.wav";
  std::ofstream(wav, std::ios::binary) << audio.body;
  std::string output;
  ASSERT_EQ(RunProcess({FR_PYTHON, "-c",
                        "import sys, wave\n"
                        "w = wave.open(sys.argv[1])\n"
                        "print(w.getnchannels(), w.getsampwidth(), w.getframerate(), "
                        "round(1000 * w.getnframes() / w.getframerate()))\n",
                        wav.string()},
                       output),
            0)
      << output;
  int channels = 0, width = 0, rate = 0, milliseconds = 0;
  ASSERT_EQ(std::sscanf(output.c_str(), "%d %d %d %d", &channels, &width, &rate, &milliseconds), 4)
      << output;
  EXPECT_EQ(channels, 1);
  EXPECT_EQ(width, 2);
  EXPECT_EQ(rate, 8000);
  EXPECT_NEAR(milliseconds, 1500, 100);
  EXPECT_NEAR(milliseconds, voicemail["durationMs"].get<int>(), 1);

  // Ranges: the header alone, the last bytes, and one beyond the end.
  const std::string size = std::to_string(audio.body.size());
  const auto head = client_->Get(one + "/audio", {Api(org_a_token_), "Range: bytes=0-43"});
  EXPECT_EQ(head.status, 206);
  EXPECT_EQ(head.body, audio.body.substr(0, 44));
  EXPECT_EQ(head.Header("content-range"), "bytes 0-43/" + size);
  const auto tail = client_->Get(one + "/audio", {Api(org_a_token_), "Range: bytes=-10"});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, audio.body.substr(audio.body.size() - 10));
  const auto beyond =
      client_->Get(one + "/audio", {Api(org_a_token_), "Range: bytes=" + size + "-"});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.Header("content-range"), "bytes */" + size);
  // A suffix of length 0 asks for nothing: unsatisfiable (RFC 9110 §14.1.1), not the whole file.
  const auto empty_suffix = client_->Get(one + "/audio", {Api(org_a_token_), "Range: bytes=-0"});
  EXPECT_EQ(empty_suffix.status, 416) << empty_suffix.body;
  EXPECT_EQ(empty_suffix.Header("content-range"), "bytes */" + size);
  // Ranges beyond the end are cut to it; the unit is case-insensitive; an invalid range (last
  // before first) and several ranges are ignored: the whole file with 200.
  const std::size_t bytes = audio.body.size();
  struct RangeCase {
    std::string header;
    long status;
    std::size_t first, length;
  };
  for (const RangeCase& range : std::vector<RangeCase>{
           {"bytes=0-0", 206, 0, 1},
           {"bytes=40-" + std::to_string(bytes + 100), 206, 40, bytes - 40},
           {"bytes=-" + std::to_string(bytes + 100), 206, 0, bytes},
           {"Bytes=2-5", 206, 2, 4},
           {"bytes=5-3", 200, 0, bytes},
           {"bytes=0-1,4-5", 200, 0, bytes},
           {"bytes=-", 200, 0, bytes},
           {"items=0-3", 200, 0, bytes}}) {
    SCOPED_TRACE(range.header);
    const auto answer = client_->Get(one + "/audio", {Api(org_a_token_), "Range: " + range.header});
    EXPECT_EQ(answer.status, range.status);
    EXPECT_EQ(answer.body, audio.body.substr(range.first, range.length));
    EXPECT_EQ(answer.Header("content-range"),
              range.status == 206 ? "bytes " + std::to_string(range.first) + "-" +
                                        std::to_string(range.first + range.length - 1) + "/" +
                                        size
                                  : "");
  }

  // Marked as listened to: the filter sees it.
  const auto marked =
      client_->SendJson("PUT", one, {Api(org_a_token_)}, json({{"listened", true}}).dump());
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_EQ(marked.Json()["listened"], true);
  EXPECT_EQ(Get(base + "?listened=false", org_a_token_).Json()["totalVoicemails"], 0);
  EXPECT_EQ(Get(base + "?listened=true", org_a_token_).Json()["totalVoicemails"], 1);
  EXPECT_EQ(Get(base + "?listened=maybe", org_a_token_).status, 400);

  // A member may not hear it, another organisation does not see it.
  EXPECT_EQ(client_->Get(one + "/audio", {Pat(max_token_)}).status, 403);
  EXPECT_EQ(client_->Get(one, {Pat(bea_token_)}).status, 404);

  // Deleted: the row and the file.
  const auto folder = server_.dir() / "voicemails";
  ASSERT_EQ(std::distance(std::filesystem::directory_iterator(folder), {}), 1);
  EXPECT_EQ(client_->Send("DELETE", one, {Api(org_a_token_)}).status, 204);
  EXPECT_EQ(Get(one, org_a_token_).status, 404);
  EXPECT_EQ(Get(one + "/audio", org_a_token_).status, 404);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder), {}), 0)
      << "the recording's file is gone";
  EXPECT_FALSE(Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" + Str(log["id"]), org_a_token_)
                   .Json()
                   .contains("voicemailID"));
}

// voicemail.recorded goes through the webhook outbox, before the call's call.ended; the
// hotline's deletion takes its voicemails along, rows and files.
TEST_F(VoicemailTest, AMessageIsAnnouncedAndGoesWithItsHotline) {
  WebhookReceiver receiver;
  const auto subscribed = client_->SendJson(
      "POST", "/v1/organizations/" + Str(org_a_) + "/webhooks", {Api(org_a_token_)},
      json{{"url", receiver.url()}, {"eventTypes", {"voicemail.recorded", "call.ended"}}}.dump());
  ASSERT_EQ(subscribed.status, 201) << subscribed.body;
  const std::int64_t hotline = VoicemailHotline();
  const json log = LeaveMessage(hotline, 25);
  ASSERT_EQ(log["outcome"], "voicemail") << log;
  ASSERT_TRUE(receiver.WaitForAccepted(2, 20s));
  const json recorded = json::parse(receiver.Received()[0].body);
  EXPECT_EQ(recorded["type"], "voicemail.recorded");
  EXPECT_EQ(recorded["data"]["voicemailID"], log["voicemailID"]);
  EXPECT_EQ(recorded["data"]["callLogID"], log["id"]);
  EXPECT_FALSE(recorded["data"].contains("callerNumber"));
  const json ended = json::parse(receiver.Received()[1].body);
  EXPECT_EQ(ended["type"], "call.ended");
  EXPECT_EQ(ended["data"]["outcome"], "voicemail");

  const auto folder = server_.dir() / "voicemails";
  ASSERT_EQ(std::distance(std::filesystem::directory_iterator(folder), {}), 1);
  ASSERT_EQ(client_->Send("DELETE", "/v1/hotlines/" + Str(hotline), {Api(org_a_token_)}).status,
            204);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::distance(std::filesystem::directory_iterator(folder), {}) > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder), {}), 0);
}

// forward: nobody of the hotline can be called, so the call goes to the fallback number (a
// second sipp behind the trunk), which answers and is bridged with audio both ways, on a leg
// with its own telephone record.
TEST_F(VoicemailTest, AForwardedCallIsAnsweredByTheFallbackNumberAndBridged) {
  const std::int64_t hotline =
      CreateHotline({{"agents", json::array()},
                     {"ttsInbound", ""},
                     {"noAnswer", {{"action", "forward"}, {"forwardTo", "+49 30 1234567"}}}});
  RtpProbe caller_audio, fallback_audio;
  SippProcess fallback(Scenario("trunk_answer.xml"), TrunkArgs(fallback_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "6000"}));
  ASSERT_TRUE(caller_audio.WaitUntil([](const auto& packets) { return !packets.empty(); }, 10s))
      << "ringback";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (fallback.ReceivedInvites().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(fallback.ReceivedInvites().size(), 1u) << fallback.Logs();
  EXPECT_EQ(fallback.ReceivedInvites()[0].rfind("INVITE sip:+49301234567@", 0), 0u)
      << fallback.ReceivedInvites()[0];
  // Once the fallback answered (300 ms), they talk: it hears the caller, and the caller it.
  std::this_thread::sleep_for(800ms);
  const std::uint16_t engine_caller_port = caller_audio.Packets().front().source_port;
  caller_audio.Send(engine_caller_port, kCallerVoice, 50);
  ASSERT_TRUE(
      fallback_audio.WaitUntil([](const auto& p) { return CountWith(p, kCallerVoice) >= 20; }, 5s))
      << "the fallback number hears the caller";
  fallback_audio.Send(fallback_audio.Packets().front().source_port, kAgentVoice, 50);
  EXPECT_TRUE(
      caller_audio.WaitUntil([](const auto& p) { return CountWith(p, kAgentVoice) >= 20; }, 5s))
      << "the caller hears the fallback number";
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(fallback.Wait(), 0) << fallback.Logs();

  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "forwarded") << log;
  EXPECT_TRUE(log["answeredBy"].is_null());
  const json records = Records(hotline);
  ASSERT_EQ(records.size(), 2u) << records;
  const json outbound = RecordOf(records, "outbound");
  // The hotline's own fallback number, which its admins set and read in noAnswer.forwardTo:
  // not masked like a member's phone.
  EXPECT_EQ(outbound["to"], "0049301234567");
  EXPECT_EQ(outbound["disposition"], "answered");
  EXPECT_TRUE(outbound["userID"].is_null());
  EXPECT_GE(outbound["billableSeconds"].get<int>(), 1);
}

// `admin backup` copies the recordings that its snapshot of the database names, each under its
// checksum, and nothing else; `admin restore` checks them and puts back exactly those
// (decisions 0045, 0055).
TEST_F(VoicemailTest, ABackupHoldsTheRecordingsItsDatabaseNamesAndRestoresThem) {
  namespace fs = std::filesystem;
  const fs::path folder = server_.dir() / "voicemails";
  const auto files = [](const fs::path& in) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(in)) names.insert(entry.path().filename());
    return names;
  };
  const std::int64_t hotline = VoicemailHotline();
  const json kept = LeaveMessage(hotline, 25);
  const std::set<std::string> first = files(folder);
  ASSERT_EQ(first.size(), 1u);
  const json lost = LeaveMessage(hotline, 25, 2);
  ASSERT_TRUE(kept["voicemailID"].is_number() && lost["voicemailID"].is_number());
  const std::string base = "/v1/hotlines/" + Str(hotline) + "/voicemails";
  const auto kept_audio = Get(base + "/" + Str(kept["voicemailID"]) + "/audio", org_a_token_);
  ASSERT_EQ(kept_audio.status, 200);
  // The second recording is gone from the disk (as when its voicemail is deleted while the
  // backup runs), and a file appears that no voicemail names (as one finished after the
  // snapshot): neither belongs in the backup.
  for (const std::string& name : files(folder)) {
    if (!first.contains(name)) fs::remove(folder / name);
  }
  std::ofstream(folder / "stray.wav") << "not a recording of the snapshot";

  const fs::path backups = server_.dir() / "backups";
  fs::create_directories(backups);
  const std::string backup = (backups / "copy.db").string();
  std::string output;
  ASSERT_EQ(server_.AdminRaw({"backup", "--to", backup}, output), 0) << output;
  EXPECT_EQ(json::parse(output)["voicemails"], 1) << output;
  EXPECT_EQ(files(backup + ".voicemails"), first);
  std::string checked;
  EXPECT_EQ(
      RunProcess({"/bin/sh", "-c", "cd '" + backups.string() + "' && sha256sum -c copy.db.sha256"},
                 checked),
      0)
      << checked;
  EXPECT_NE(checked.find("copy.db.voicemails/" + *first.begin() + ": OK"), std::string::npos)
      << checked;

  ServerProcess restored;  // a new folder, with a recording its database will not name
  fs::create_directories(restored.dir() / "voicemails");
  std::ofstream(restored.dir() / "voicemails" / "orphan.wav") << "no voicemail names this";
  ASSERT_EQ(restored.AdminRaw({"restore", "--from", backup}, output), 0) << output;
  EXPECT_EQ(json::parse(output)["voicemails"], 1) << output;
  EXPECT_EQ(files(restored.dir() / "voicemails"), first);
  restored.Start({"--rate-limit", "0"});
  HttpClient client(restored.base_url());
  const json page = client.Get(base, {Api(org_a_token_)}).Json();
  ASSERT_EQ(page["totalVoicemails"], 1) << page;
  EXPECT_EQ(page["voicemails"][0]["id"], kept["voicemailID"]);
  EXPECT_EQ(client.Get(base + "/" + Str(kept["voicemailID"]) + "/audio", {Api(org_a_token_)}).body,
            kept_audio.body);
  EXPECT_EQ(client.Get(base + "/" + Str(lost["voicemailID"]), {Api(org_a_token_)}).status, 404);
  ASSERT_EQ(restored.Stop(), 0);

  // A recording changed in the backup is refused before anything is replaced.
  {
    std::fstream recording(backup + ".voicemails/" + *first.begin(),
                           std::ios::in | std::ios::out | std::ios::binary);
    recording.seekp(100);
    recording.put('\x7f');
  }
  ServerProcess damaged;
  EXPECT_EQ(damaged.AdminRaw({"restore", "--from", backup}, output), 1);
  EXPECT_NE(output.find("does not match its checksum"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(damaged.dir() / "fr.db")) << "nothing was replaced";
}

}  // namespace
}  // namespace fr::testing
