#include "adapters/tts/audio_cache.hpp"

#include <iterator>
#include <utility>

namespace fr::tts {

namespace {

// Roughly what a list node, a hash node, two strings' headers and the Audio object cost.
constexpr std::size_t kEntryOverheadBytes = 256;

}  // namespace

AudioCache::AudioCache(std::size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

std::size_t AudioCache::EntryBytes(const std::string& key, const Audio& audio) {
  // The key is stored twice: in the recency list and in the index.
  return audio.samples.capacity() * sizeof(audio.samples[0]) + 2 * key.size() +
         kEntryOverheadBytes;
}

std::shared_ptr<const Audio> AudioCache::Find(const std::string& key) {
  auto found = index_.find(key);
  if (found == index_.end()) return nullptr;
  recency_.splice(recency_.begin(), recency_, found->second);
  return found->second->audio;
}

void AudioCache::Insert(const std::string& key, std::shared_ptr<const Audio> audio) {
  if (auto existing = index_.find(key); existing != index_.end()) Erase(existing->second);
  const std::size_t bytes = EntryBytes(key, *audio);
  if (bytes > capacity_bytes_) return;
  recency_.push_front(Entry{key, std::move(audio), bytes});
  index_.emplace(key, recency_.begin());
  used_bytes_ += bytes;
  EvictUntilFits();
}

void AudioCache::Erase(Recency::iterator entry) {
  used_bytes_ -= entry->bytes;
  index_.erase(entry->key);
  recency_.erase(entry);
}

void AudioCache::EvictUntilFits() {
  while (used_bytes_ > capacity_bytes_) Erase(std::prev(recency_.end()));
}

}  // namespace fr::tts
