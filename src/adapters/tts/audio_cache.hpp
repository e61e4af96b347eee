#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "app/speech_synthesizer.hpp"

namespace fr::tts {

// A least-recently-used map from a key to synthesised audio, bounded by an estimate of the
// memory it holds (samples, key and bookkeeping). Not thread-safe: the owner locks.
class AudioCache {
 public:
  explicit AudioCache(std::size_t capacity_bytes);

  AudioCache(const AudioCache&) = delete;
  AudioCache& operator=(const AudioCache&) = delete;

  // The audio stored under `key`, which becomes the most recently used; nullptr when absent.
  std::shared_ptr<const Audio> Find(const std::string& key);

  // Stores `audio` under `key` (replacing an older entry) as the most recently used, then evicts
  // least recently used entries until the total fits the capacity. An entry larger than the
  // whole capacity is not stored. Callers holding evicted audio keep it alive.
  void Insert(const std::string& key, std::shared_ptr<const Audio> audio);

  std::size_t entry_count() const { return index_.size(); }
  std::size_t used_bytes() const { return used_bytes_; }
  std::size_t capacity_bytes() const { return capacity_bytes_; }

  // The bytes one entry is charged: its samples, its key and a fixed overhead, so that even
  // entries of silence count against the bound.
  static std::size_t EntryBytes(const std::string& key, const Audio& audio);

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Audio> audio;
    std::size_t bytes;
  };
  using Recency = std::list<Entry>;  // front: most recently used

  void Erase(Recency::iterator entry);
  void EvictUntilFits();

  std::size_t capacity_bytes_;
  std::size_t used_bytes_ = 0;
  Recency recency_;
  std::unordered_map<std::string, Recency::iterator> index_;
};

}  // namespace fr::tts
