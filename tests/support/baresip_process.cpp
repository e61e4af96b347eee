#include "support/baresip_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace fr::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kStartAttempts = 3;  // a port taken between choosing and binding it costs a retry
constexpr auto kCommandTimeout = 5s;

// One netstring ("<length>:<payload>,"), the framing of ctrl_tcp.
std::string Netstring(const std::string& payload) {
  return std::to_string(payload.size()) + ":" + payload + ",";
}

// Takes the complete netstrings off the front of `buffer`.
std::vector<std::string> TakeNetstrings(std::string& buffer) {
  std::vector<std::string> payloads;
  while (true) {
    const auto colon = buffer.find(':');
    if (colon == std::string::npos) break;
    const std::size_t length = std::stoul(buffer.substr(0, colon));
    if (buffer.size() < colon + 1 + length + 1) break;
    payloads.push_back(buffer.substr(colon + 1, length));
    buffer.erase(0, colon + 1 + length + 1);
  }
  return payloads;
}

std::string StringField(const nlohmann::json& message, const char* name) {
  const auto found = message.find(name);
  return found != message.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

BaresipProcess::BaresipProcess(BaresipSettings settings) : settings_(std::move(settings)) {
  for (int attempt = 1; attempt <= kStartAttempts && control_ < 0; ++attempt) {
    sip_port_ = FreeUdpAndTcpPort(/*also_next=*/true);
    control_port_ = FreeTcpPort();
    WriteConfig();
    process_ = std::make_unique<PeerProcess>(
        std::vector<std::string>{FR_BARESIP_PROGRAM, "-f", dir_.path().string()},
        dir_.path() / "baresip.log", dir_.path());
    if (!Connect(10s)) process_->Stop(200ms);
  }
  if (control_ < 0) throw std::runtime_error("baresip did not start:\n" + Logs());
  reader_ = std::thread([this] { ReadEvents(); });
  try {
    AddAccount();
  } catch (...) {
    Shutdown();  // the destructor will not run
    throw;
  }
}

BaresipProcess::~BaresipProcess() { Shutdown(); }

void BaresipProcess::Shutdown() {
  if (process_) process_->Stop(1s);  // SIGTERM: it hangs up and unregisters if it can
  if (control_ >= 0) ::shutdown(control_, SHUT_RDWR);
  if (reader_.joinable()) reader_.join();
  if (control_ >= 0) ::close(control_);
  control_ = -1;
}

void BaresipProcess::AddAccount() {
  std::string account = "<" + aor();
  if (!settings_.transport.empty()) account += ";transport=" + settings_.transport;
  account += ">;regint=" + std::string(settings_.register_account ? "600" : "0");
  if (!settings_.password.empty()) account += ";auth_pass=" + settings_.password;
  account += settings_.answer_mode == AnswerMode::kAuto ? ";answermode=auto" : ";answermode=manual";
  Command("uanew", account);
  if (!settings_.register_account) return;
  WaitUntil(
      [](const std::vector<BaresipEvent>& events) {
        return std::any_of(events.begin(), events.end(), [](const BaresipEvent& event) {
          return event.type == baresip_event::kRegisterOk ||
                 event.type == baresip_event::kRegisterFail;
        });
      },
      10s);
  if (CountEvents(baresip_event::kRegisterOk) == 0) {
    throw std::runtime_error("baresip " + aor() + " did not register:\n" + Logs());
  }
}

std::string BaresipProcess::aor() const { return "sip:" + settings_.user + "@" + settings_.domain; }

void BaresipProcess::WriteConfig() const {
  // No sound card: the source is ausine (which only produces 48 kHz stereo; baresip resamples for
  // the codec), the player is a bridge device nobody reads, and the sndfile filter writes what is
  // decoded and encoded to dump-<time>-dec.wav / -enc.wav in the directory.
  const std::string dir = dir_.path().string();
  std::ofstream config(dir_.path() / "config");
  config << "poll_method epoll\n"
         << "sip_listen 127.0.0.1:" << sip_port_ << "\n"
         << "net_interface 127.0.0.1\n"
         << "call_local_timeout 120\n"
         << "audio_path " << dir << "\n"
         << "audio_player aubridge,nobody-listens\n"
         << "audio_alert aubridge,nobody-listens\n"
         << "audio_source ausine," << settings_.tone_hz << "\n"
         << "ausrc_srate 48000\nausrc_channels 2\n"
         << "module_path " << FR_BARESIP_MODULES << "\n"
         << "module g711.so\nmodule ausine.so\nmodule aubridge.so\nmodule sndfile.so\n"
         << "module_app account.so\nmodule_app menu.so\nmodule_app ctrl_tcp.so\n"
         << "ctrl_tcp_listen 127.0.0.1:" << control_port_ << "\n"
         << "snd_path " << dir << "\n";
  std::ofstream(dir_.path() / "accounts");  // accounts come with "uanew", once we listen
  std::ofstream(dir_.path() / "contacts");
}

bool BaresipProcess::Connect(std::chrono::milliseconds timeout) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(control_port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (process_->Running() && std::chrono::steady_clock::now() < deadline) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      control_ = fd;
      return true;
    }
    ::close(fd);
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

void BaresipProcess::ReadEvents() {
  std::string buffer;
  char chunk[4096];
  ssize_t received;
  while ((received = ::recv(control_, chunk, sizeof chunk, 0)) > 0) {
    buffer.append(chunk, static_cast<std::size_t>(received));
    for (const std::string& payload : TakeNetstrings(buffer)) {
      const auto message = nlohmann::json::parse(payload, nullptr, false);
      if (message.is_object()) HandleMessage(message);
    }
  }
  std::lock_guard lock(mu_);
  disconnected_ = true;
  changed_.notify_all();
}

void BaresipProcess::HandleMessage(const nlohmann::json& message) {
  std::lock_guard lock(mu_);
  if (message.value("response", false)) {
    responses_.push_back(message);
  } else if (message.value("event", false)) {
    events_.push_back({StringField(message, "type"), StringField(message, "param"),
                       StringField(message, "id"), StringField(message, "peeruri"),
                       StringField(message, "direction")});
  }
  changed_.notify_all();
}

std::string BaresipProcess::Command(const std::string& command, const std::string& params) {
  const std::string token = "t" + std::to_string(++next_token_);
  const std::string request =
      Netstring(nlohmann::json{{"command", command}, {"params", params}, {"token", token}}.dump());
  if (::send(control_, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    throw std::runtime_error("baresip: cannot send '" + command + "':\n" + Logs());
  }
  std::unique_lock lock(mu_);
  nlohmann::json response;
  const bool answered = changed_.wait_for(lock, kCommandTimeout, [&] {
    for (const auto& candidate : responses_) {
      if (StringField(candidate, "token") == token) {
        response = candidate;
        return true;
      }
    }
    return disconnected_;
  });
  lock.unlock();
  if (!answered || response.is_null() || !response.value("ok", false)) {
    throw std::runtime_error("baresip: '" + command + " " + params + "' failed (" +
                             (response.is_null() ? "no answer" : response.dump()) + "):\n" +
                             Logs());
  }
  return StringField(response, "data");
}

void BaresipProcess::Dial(const std::string& target) { Command("dial", target); }
void BaresipProcess::Answer() { Command("accept"); }
void BaresipProcess::SendDtmf(const std::string& digits) { Command("sndcode", digits); }
void BaresipProcess::HangUp() { Command("hangup"); }

int BaresipProcess::CountEvents(const std::string& type) const {
  std::lock_guard lock(mu_);
  return static_cast<int>(
      std::count_if(events_.begin(), events_.end(),
                    [&](const BaresipEvent& event) { return event.type == type; }));
}

bool BaresipProcess::WaitUntil(const std::function<bool(const std::vector<BaresipEvent>&)>& done,
                               std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return done(events_); });
}

bool BaresipProcess::WaitForEvent(const std::string& type, std::chrono::milliseconds timeout,
                                  int occurrences) const {
  return WaitUntil(
      [&](const std::vector<BaresipEvent>& events) {
        return std::count_if(events.begin(), events.end(), [&](const BaresipEvent& event) {
                 return event.type == type;
               }) >= occurrences;
      },
      timeout);
}

std::vector<BaresipEvent> BaresipProcess::Events() const {
  std::lock_guard lock(mu_);
  return events_;
}

namespace {
std::string DigitsIn(const std::vector<BaresipEvent>& events) {
  std::string digits;
  for (const BaresipEvent& event : events) {
    if (event.type == baresip_event::kDtmfStart) digits += event.param;
  }
  return digits;
}
}  // namespace

std::string BaresipProcess::ReceivedDigits() const { return DigitsIn(Events()); }

bool BaresipProcess::WaitForDigits(const std::string& digits,
                                   std::chrono::milliseconds timeout) const {
  return WaitUntil(
      [&](const std::vector<BaresipEvent>& events) {
        return DigitsIn(events).find(digits) != std::string::npos;
      },
      timeout);
}

PcmAudio BaresipProcess::NewestRecording(const std::string& suffix) const {
  // The file names carry the call's start time (to the second), so the newest sorts last.
  std::vector<std::filesystem::path> recordings;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("dump-", 0) == 0 && name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      recordings.push_back(entry.path());
    }
  }
  if (recordings.empty()) return PcmAudio{};
  std::sort(recordings.begin(), recordings.end());
  return ReadWav(recordings.back());
}

PcmAudio BaresipProcess::ReceivedAudio() const { return NewestRecording("-dec.wav"); }
PcmAudio BaresipProcess::SentAudio() const { return NewestRecording("-enc.wav"); }

std::string BaresipProcess::Logs() const {
  // Drop colour codes and the status line baresip redraws with '\r' every few milliseconds.
  const std::string raw = process_ ? process_->Log() : "";
  const std::string plain = std::regex_replace(raw, std::regex("\x1b\\[[0-9;]*m"), "");
  std::string log;
  std::istringstream pieces(plain);
  std::string piece;
  while (std::getline(pieces, piece)) {
    std::istringstream redraws(piece);
    std::string part;
    while (std::getline(redraws, part, '\r')) {
      if (!part.empty() && part.front() != '[') log += part + "\n";
    }
  }
  std::string events;
  for (const BaresipEvent& event : Events()) {
    events += event.type + " " + event.param + " " + event.direction + " " + event.peer_uri + "\n";
  }
  return "--- baresip " + aor() + " log:\n" + log + "--- its events:\n" + events;
}

}  // namespace fr::testing
