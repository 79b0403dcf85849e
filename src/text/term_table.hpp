#pragma once
// Distinct terms of a rank's documents, numbered in order of first appearance.
//
// Tokenizing spends most of its time looking terms up, so this is an open-addressing
// table over one byte arena (no allocation per term, one probe sequence per token)
// rather than std::unordered_map<std::string, ...>.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/hash.hpp"

namespace dnmf::text {

class TermTable {
 public:
  TermTable() : slots_(1024, Slot{kEmpty, 0}) {}

  // The id of `term`, adding it if new; `added` says which.
  uint32_t insert(std::string_view term, bool& added) {
    const uint64_t hash = hash_of(term);
    const auto tag = static_cast<uint32_t>(hash >> 32);
    size_t slot = static_cast<size_t>(hash) & (slots_.size() - 1);
    while (slots_[slot].id != kEmpty) {
      // The tag settles almost every mismatch without touching the arena.
      if (slots_[slot].tag == tag && term_view(slots_[slot].id) == term) {
        added = false;
        return slots_[slot].id;
      }
      slot = (slot + 1) & (slots_.size() - 1);
    }
    const auto id = static_cast<uint32_t>(hashes_.size());
    slots_[slot] = Slot{id, tag};
    hashes_.push_back(hash);
    offsets_.push_back(arena_.size());
    arena_.append(term);
    added = true;
    if (hashes_.size() * 2 > slots_.size()) grow();
    return id;
  }

  size_t size() const { return hashes_.size(); }
  // Bytes held, for the memory report.
  size_t bytes() const {
    return slots_.capacity() * sizeof(Slot) + hashes_.capacity() * sizeof(uint64_t) +
           offsets_.capacity() * sizeof(size_t) + arena_.capacity();
  }
  // Valid until the next insert.
  std::string_view term_view(uint32_t id) const {
    const size_t end = id + 1 < offsets_.size() ? offsets_[id + 1] : arena_.size();
    return std::string_view(arena_.data() + offsets_[id], end - offsets_[id]);
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint32_t id;
    uint32_t tag;  // high half of the term's hash
  };

  static uint64_t hash_of(std::string_view text) { return hash_bytes(text); }

  void grow() {
    std::vector<Slot> bigger(slots_.size() * 2, Slot{kEmpty, 0});
    for (uint32_t id = 0; id < hashes_.size(); ++id) {
      size_t slot = static_cast<size_t>(hashes_[id]) & (bigger.size() - 1);
      while (bigger[slot].id != kEmpty) slot = (slot + 1) & (bigger.size() - 1);
      bigger[slot] = Slot{id, static_cast<uint32_t>(hashes_[id] >> 32)};
    }
    slots_.swap(bigger);
  }

  std::vector<Slot> slots_;
  std::vector<uint64_t> hashes_;
  std::vector<size_t> offsets_;
  std::string arena_;
};

}  // namespace dnmf::text
