#include "core/handle_table.h"

#include "core/error.h"

namespace tsr {

const char* handle_kind_name(HandleKind kind) {
  switch (kind) {
    case HandleKind::Device: return "device";
    case HandleKind::Context: return "context";
    case HandleKind::Tensor: return "tensor";
    case HandleKind::Stream: return "stream";
    case HandleKind::Event: return "event";
    default: return "none";
  }
}

HandleTable& HandleTable::instance() {
  // Never destroyed: handles may be released from static destructors.
  static HandleTable* table = new HandleTable();
  return *table;
}

static uint64_t make_tag(uint32_t generation, HandleKind kind, uint32_t index) {
  return (uint64_t(generation) << 32) | (uint64_t(kind) << 28) | index;
}

uint64_t HandleTable::insert(HandleKind kind, std::shared_ptr<Object> obj) {
  std::lock_guard<SpinLock> lock(mu_);
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    if (used_slots_ >= kMaxChunks * kChunkSize)
      fail(TSR_ERROR_OUT_OF_MEMORY, "handle table is full (%u live handles)", used_slots_);
    index = used_slots_++;
    uint32_t c = index >> kChunkBits;
    if (!chunks_[c].load(std::memory_order_acquire)) chunks_[c].store(new Slot[kChunkSize], std::memory_order_release);
  }
  Slot& s = chunks_[index >> kChunkBits].load(std::memory_order_acquire)[index & (kChunkSize - 1)];
  s.generation = (s.generation + 1) == 0 ? 1 : s.generation + 1;
  s.raw = obj.get();
  s.owner = std::move(obj);
  s.refs.store(1, std::memory_order_relaxed);
  uint64_t tag = make_tag(s.generation, kind, index);
  s.tag.store(tag, std::memory_order_release);
  // Written under mu_ only, so a plain load and store (no locked RMW).
  live_.store(live_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  return tag;
}

const HandleTable::Slot* HandleTable::slot_of(uint64_t handle) const {
  if (handle == 0) return nullptr;
  uint32_t index = uint32_t(handle & ((1u << 28) - 1));
  uint32_t c = index >> kChunkBits;
  if (c >= kMaxChunks) return nullptr;
  Slot* chunk = chunks_[c].load(std::memory_order_acquire);
  if (!chunk) return nullptr;
  return &chunk[index & (kChunkSize - 1)];
}

Object* HandleTable::lookup(uint64_t handle, HandleKind kind) const {
  const Slot* s = slot_of(handle);
  if (!s || uint32_t((handle >> 28) & 0xF) != uint32_t(kind)) return nullptr;
  if (s->tag.load(std::memory_order_acquire) != handle) return nullptr;
  return s->raw;
}

std::shared_ptr<Object> HandleTable::lookup_shared(uint64_t handle, HandleKind kind) const {
  if (!lookup(handle, kind)) return nullptr;
  std::lock_guard<SpinLock> lock(mu_);
  const Slot* s = slot_of(handle);
  if (s->tag.load(std::memory_order_acquire) != handle) return nullptr;
  return s->owner;
}

bool HandleTable::retain(uint64_t handle, HandleKind kind) {
  if (!lookup(handle, kind)) return false;
  const_cast<Slot*>(slot_of(handle))->refs.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool HandleTable::release(uint64_t handle, HandleKind kind) {
  if (!lookup(handle, kind)) return false;
  Slot* s = const_cast<Slot*>(slot_of(handle));
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return true;
  revoke(handle, kind);
  return true;
}

void HandleTable::revoke(uint64_t handle, HandleKind kind) {
  if (!lookup(handle, kind)) return;
  Slot* s = const_cast<Slot*>(slot_of(handle));
  std::shared_ptr<Object> dying;
  {
    std::lock_guard<SpinLock> lock(mu_);
    if (s->tag.load(std::memory_order_acquire) != handle) return;
    s->tag.store(0, std::memory_order_release);
    s->raw = nullptr;
    dying = std::move(s->owner);
    free_.push_back(uint32_t(handle & ((1u << 28) - 1)));
    live_.store(live_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  }
  // The object is destroyed outside the lock: its destructor may release
  // other handles.
  dying.reset();
}

const char* HandleTable::diagnose(uint64_t handle, HandleKind kind) const {
  if (handle == 0) return "null handle";
  const Slot* s = slot_of(handle);
  if (!s) return "not a Tessera handle";
  uint32_t k = uint32_t((handle >> 28) & 0xF);
  uint64_t tag = s->tag.load(std::memory_order_acquire);
  if (k != uint32_t(kind)) {
    if (k >= 1 && k <= 5 && tag == handle) return "handle of the wrong kind";
    return "not a Tessera handle";
  }
  if (tag != handle) return (handle >> 32) <= s->generation ? "released (stale) handle" : "not a Tessera handle";
  return "valid handle";
}

int64_t HandleTable::live_count() const { return live_.load(std::memory_order_relaxed); }

}  // namespace tsr
