// Voicemail WAV files (decision 0055): the header a player expects, a commit that leaves only
// the final file, and the recovery of what a crash left: whole up to the crash, or nothing.
#include "adapters/storage/wav_file.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "support/temp_dir.hpp"

namespace fr {
namespace {

std::vector<std::uint8_t> Bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t U32(const std::vector<std::uint8_t>& bytes, std::size_t at) {
  return bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | std::uint32_t(bytes[at + 3]) << 24;
}

std::vector<std::int16_t> Ramp(std::size_t count) {
  std::vector<std::int16_t> samples(count);
  for (std::size_t i = 0; i < count; ++i) samples[i] = static_cast<std::int16_t>(i * 37 - 20000);
  return samples;
}

// The fields a WAV reader checks, read at their fixed offsets (not through our own parser).
void ExpectPlayableWav(const std::filesystem::path& path, std::size_t samples) {
  const auto bytes = Bytes(path);
  ASSERT_EQ(bytes.size(), 44 + samples * 2);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "RIFF");
  EXPECT_EQ(U32(bytes, 4), 36 + samples * 2);
  EXPECT_EQ(std::string(bytes.begin() + 8, bytes.begin() + 16), "WAVEfmt ");
  EXPECT_EQ(U32(bytes, 16), 16u);
  EXPECT_EQ(bytes[20] | bytes[21] << 8, 1);   // PCM
  EXPECT_EQ(bytes[22] | bytes[23] << 8, 1);   // mono
  EXPECT_EQ(U32(bytes, 24), 8000u);
  EXPECT_EQ(U32(bytes, 28), 16000u);
  EXPECT_EQ(bytes[32] | bytes[33] << 8, 2);
  EXPECT_EQ(bytes[34] | bytes[35] << 8, 16);
  EXPECT_EQ(std::string(bytes.begin() + 36, bytes.begin() + 40), "data");
  EXPECT_EQ(U32(bytes, 40), samples * 2);
}

TEST(WavFileTest, ACommittedRecordingIsAWholeWavFileAndNoPartIsLeft) {
  testing::TempDir dir;
  const auto path = dir.path() / "7.wav";
  auto writer = WavWriter::Create(path);
  ASSERT_TRUE(writer.ok()) << writer.error().detail;
  const auto samples = Ramp(12345);
  ASSERT_TRUE(writer->Append(std::span(samples).first(345)).ok());
  EXPECT_FALSE(std::filesystem::exists(path)) << "only the part file while recording";
  EXPECT_TRUE(std::filesystem::exists(PartPathOf(path)));
  ASSERT_TRUE(writer->Append(std::span(samples).subspan(345)).ok());
  const auto duration = writer->Commit();
  ASSERT_TRUE(duration.ok()) << duration.error().detail;
  EXPECT_EQ(duration->count(), 12345 * 1000 / 8000);
  EXPECT_FALSE(std::filesystem::exists(PartPathOf(path)));
  ExpectPlayableWav(path, samples.size());
  const auto bytes = Bytes(path);
  EXPECT_EQ(static_cast<std::int16_t>(bytes[44 + 2 * 100] | bytes[45 + 2 * 100] << 8),
            samples[100]) << "little-endian samples";
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_FALSE(writer->Append(samples).ok()) << "closed after the commit";
  EXPECT_EQ(WavWriter::Create(path).error().code, ErrorCode::kAlreadyExists);
}

TEST(WavFileTest, AnAbandonedRecordingLeavesNothing) {
  testing::TempDir dir;
  const auto path = dir.path() / "8.wav";
  auto writer = WavWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Append(Ramp(800)).ok());
  writer->Abandon();
  writer->Abandon();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  const auto recovered = RecoverWav(path);
  ASSERT_TRUE(recovered.ok());
  EXPECT_FALSE(recovered->has_value());
}

// A real crash: a child process records and is killed mid-recording; the recovery makes the
// part file a whole recording of every sample written before the kill.
TEST(WavFileTest, ARecordingCutByAKillIsRecoveredWholeUpToTheKill) {
  testing::TempDir dir;
  const auto path = dir.path() / "9.wav";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto writer = WavWriter::Create(path);
    if (!writer.ok()) ::_exit(1);
    const auto samples = Ramp(160);
    for (int frame = 0; frame < 50; ++frame) {
      if (!writer->Append(samples).ok()) ::_exit(2);
    }
    ::kill(::getpid(), SIGKILL);
    ::_exit(3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit " << WEXITSTATUS(status);
  EXPECT_FALSE(std::filesystem::exists(path));
  const auto recovered = RecoverWav(path);
  ASSERT_TRUE(recovered.ok()) << recovered.error().detail;
  ASSERT_TRUE(recovered->has_value());
  EXPECT_EQ((*recovered)->count(), 1000);
  EXPECT_FALSE(std::filesystem::exists(PartPathOf(path)));
  ExpectPlayableWav(path, 50 * 160);
  // Recovering again finds the whole file and changes nothing.
  const auto again = RecoverWav(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->value().count(), 1000);
  ExpectPlayableWav(path, 50 * 160);
}

TEST(WavFileTest, ATornLastSampleIsCutAndAPartWithoutAWholeHeaderIsRemoved) {
  testing::TempDir dir;
  const auto torn = dir.path() / "10.wav";
  {
    const auto header = WavHeader(0);
    std::ofstream out(PartPathOf(torn), std::ios::binary);
    out.write(reinterpret_cast<const char*>(header.data()), header.size());
    out.write("\x01\x02\x03\x04\x05", 5);  // two samples and half of a third
  }
  const auto recovered = RecoverWav(torn);
  ASSERT_TRUE(recovered.ok()) << recovered.error().detail;
  EXPECT_EQ(recovered->value().count(), 0);
  ExpectPlayableWav(torn, 2);

  for (const std::string& content : {std::string(), std::string("RIFF\0\0", 6),
                                    std::string(60, 'x')}) {
    const auto short_part = dir.path() / "11.wav";
    {
      std::ofstream out(PartPathOf(short_part), std::ios::binary);
      out.write(content.data(), static_cast<std::streamsize>(content.size()));
    }
    const auto removed = RecoverWav(short_part);
    ASSERT_TRUE(removed.ok()) << removed.error().detail;
    EXPECT_FALSE(removed->has_value());
    EXPECT_FALSE(std::filesystem::exists(PartPathOf(short_part)));
    EXPECT_FALSE(std::filesystem::exists(short_part));
  }
}

TEST(WavFileTest, OnlyOurHeaderIsRecognised) {
  const auto header = WavHeader(320);
  EXPECT_TRUE(IsOurWavHeader(header));
  EXPECT_TRUE(IsOurWavHeader(WavHeader(0)));
  auto stereo = header;
  stereo[22] = 2;
  EXPECT_FALSE(IsOurWavHeader(stereo));
  auto rate = header;
  rate[24] = 0x44;  // 44100 would be 0x44AC
  EXPECT_FALSE(IsOurWavHeader(rate));
  EXPECT_FALSE(IsOurWavHeader(std::span(header).first(43)));
  EXPECT_EQ(WavDurationOf(8000).count(), 1000);
  EXPECT_EQ(WavDurationOf(7).count(), 0);
}

}  // namespace
}  // namespace fr
