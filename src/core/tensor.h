// Tensors and the storage they view. A tensor is (storage, byte offset,
// dtype, shape, strides); views share the storage and keep it alive.
#pragma once
#include <memory>
#include <mutex>
#include <vector>

#include "core/context.h"
#include "core/shape.h"
#include "tessera/tessera.h"

namespace tsr {

// Memory of one context: from its caching allocator, or wrapped memory the
// caller owns (freed through the caller's deleter).
class CoreStorage : public Storage {
 public:
  // Allocates `bytes` from ctx's allocator for use on `stream`.
  static CoreStorage* allocate(Context& ctx, int64_t bytes, Stream& stream);
  static CoreStorage* wrap(Context& ctx, void* data, int64_t bytes,
                           tsr_deleter deleter, void* user_data);
  ~CoreStorage() override;

  void* base() const { return base_; }
  int64_t bytes() const { return bytes_; }
  Context& context() const { return *static_cast<Context*>(ctx_owner_.get()); }
  // Records that work on `stream` touches this memory (stream-aware reuse).
  void note_use(Stream& stream);

 private:
  // User-provided, so `new CoreStorage(ctx)` skips zero-filling the object
  // before the member initializers run (a rep stos on every allocation).
  explicit CoreStorage(Context& ctx);

  // Keeps the context alive; held as the Object it was handed out as, so
  // taking it costs one reference, not a cast's extra copy (hot path).
  std::shared_ptr<Object> ctx_owner_;
  void* base_ = nullptr;
  int64_t bytes_ = 0;
  size_t block_size_ = 0;  // 0 for wrapped memory
  tsr_deleter deleter_ = nullptr;
  void* user_data_ = nullptr;
  Stream* alloc_stream_ = nullptr;
  std::mutex uses_mu_;  // note_use runs on every thread that issues ops on this storage
  std::vector<std::shared_ptr<Object>> other_streams_;
};

class Tensor : public Object {
 public:
  // The tensor's context is its storage's: one reference per storage, not
  // per tensor or view.
  // Takes over the caller's reference to a new storage (Tensor::create):
  // no retain/release pair on the allocation path.
  struct AdoptStorage {};
  Tensor(AdoptStorage, CoreStorage* storage, const Shape& shape, tsr_dtype dtype);
  Tensor(CoreStorage* storage, int64_t offset, tsr_dtype dtype,
         const Shape& shape, const Strides& strides);
  ~Tensor() override;

  // A new contiguous tensor of `shape` and `dtype` allocated for `stream`.
  static std::shared_ptr<Tensor> create(Context& ctx, const Shape& shape,
                                        tsr_dtype dtype, Stream& stream);
  // A view of this tensor's storage.
  std::shared_ptr<Tensor> view(int64_t offset, const Shape& shape, const Strides& strides) const;

  Context& context() const { return storage_->context(); }
  CoreStorage* storage() const { return storage_; }
  int64_t offset() const { return offset_; }  // bytes
  tsr_dtype dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  int ndim() const { return shape_.ndim; }
  int64_t numel() const { return shape_.numel(); }
  int64_t nbytes() const;
  bool is_contiguous() const;
  TensorDesc desc() const;

 private:
  CoreStorage* storage_;
  int64_t offset_;
  tsr_dtype dtype_;
  Shape shape_;
  Strides strides_;
};

}  // namespace tsr
