// The slot table behind every public handle. A handle value packs
// (generation << 32) | (kind << 28) | slot index, so validation is an index
// and a compare: a null, released, foreign or wrong-kind handle is caught
// without ever reading memory it points to.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/object.h"
#include "core/spin_lock.h"

namespace tsr {

class HandleTable {
 public:
  static HandleTable& instance();

  // Registers obj and returns its handle value (one handle reference).
  uint64_t insert(HandleKind kind, std::shared_ptr<Object> obj);
  // The object, or null when the value is not a live handle of `kind`.
  Object* lookup(uint64_t handle, HandleKind kind) const;
  // The shared owner, or null (as lookup).
  std::shared_ptr<Object> lookup_shared(uint64_t handle, HandleKind kind) const;
  bool retain(uint64_t handle, HandleKind kind);
  // Drops one handle reference; frees the slot at zero. False when invalid.
  bool release(uint64_t handle, HandleKind kind);
  // Frees the slot whatever its count (objects owned by another, such as a
  // context's default stream, when the owner dies).
  void revoke(uint64_t handle, HandleKind kind);
  // Why a value failed lookup (for messages): "null", "released", "wrong kind (...)", "not a handle".
  const char* diagnose(uint64_t handle, HandleKind kind) const;
  int64_t live_count() const;

 private:
  static constexpr uint32_t kChunkBits = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr uint32_t kMaxChunks = 1u << (28 - kChunkBits);

  struct Slot {
    std::atomic<uint64_t> tag{0};  // generation << 32 | kind << 28 | index, 0 when free
    std::atomic<int64_t> refs{0};
    Object* raw = nullptr;
    std::shared_ptr<Object> owner;
    uint32_t generation = 0;
  };

  const Slot* slot_of(uint64_t handle) const;

  mutable SpinLock mu_;  // guards free_, used_slots_ and slot ownership changes
  std::unique_ptr<std::atomic<Slot*>[]> chunks_{new std::atomic<Slot*>[kMaxChunks]()};
  uint32_t used_slots_ = 0;
  std::vector<uint32_t> free_;
  std::atomic<int64_t> live_{0};
};

}  // namespace tsr
