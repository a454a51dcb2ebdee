#include "core/tensor.h"

#include "core/dtype.h"
#include "core/error.h"

namespace tsr {

CoreStorage::CoreStorage(Context& ctx) : ctx_owner_(ctx.shared_from_this()) {}

CoreStorage* CoreStorage::allocate(Context& ctx, int64_t bytes, Stream& stream) {
  auto* s = new CoreStorage(ctx);
  s->bytes_ = bytes;
  s->alloc_stream_ = &stream;
  try {
    s->base_ = ctx.allocator().allocate(size_t(bytes), &stream, &s->block_size_);
    if (ctx.zero_on_allocate() && s->block_size_ > 0)
      throw_if(ctx.impl().memory()->zero(s->base_, 0, s->block_size_, &stream.impl()),
               "zero-on-allocate");
  } catch (...) {
    if (s->block_size_) ctx.allocator().free(s->base_, s->block_size_, &stream, {});
    s->block_size_ = 0;
    s->base_ = nullptr;
    delete s;
    throw;
  }
  return s;
}

CoreStorage* CoreStorage::wrap(Context& ctx, void* data, int64_t bytes, tsr_deleter deleter,
                               void* user_data) {
  auto* s = new CoreStorage(ctx);
  s->base_ = data;
  s->bytes_ = bytes;
  s->deleter_ = deleter;
  s->user_data_ = user_data;
  return s;
}

void CoreStorage::note_use(Stream& stream) {
  if (!context().uses_fences() || &stream == alloc_stream_) return;
  std::lock_guard<std::mutex> lock(uses_mu_);
  for (const auto& s : other_streams_)
    if (s.get() == &stream) return;
  other_streams_.push_back(stream.shared_from_this());
}

CoreStorage::~CoreStorage() {
  if (block_size_) {
    std::vector<void*> fences;
    DeviceMemory* mem = context().impl().memory();
    for (const auto& o : other_streams_) {
      auto* s = static_cast<Stream*>(o.get());
      if (void* f = mem->create_fence(&s->impl())) fences.push_back(f);
    }
    context().allocator().free(base_, block_size_, alloc_stream_, std::move(fences));
  } else if (deleter_) {
    // A stream with a submission thread may still hold ops that use this
    // memory: they reach the device before its owner gets it back.
    for (const auto& o : other_streams_) static_cast<Stream*>(o.get())->impl().flush();
    deleter_(base_, user_data_);
  }
}

Tensor::Tensor(CoreStorage* storage, int64_t offset, tsr_dtype dtype, const Shape& shape,
               const Strides& strides)
    : storage_(storage), offset_(offset), dtype_(dtype), shape_(shape),
      strides_(strides) {
  storage_->retain();
}

Tensor::Tensor(AdoptStorage, CoreStorage* storage, const Shape& shape, tsr_dtype dtype)
    : storage_(storage), offset_(0), dtype_(dtype), shape_(shape), strides_(contiguous_strides(shape)) {}

Tensor::~Tensor() { storage_->release(); }

std::shared_ptr<Tensor> Tensor::create(Context& ctx, const Shape& shape, tsr_dtype dtype,
                                       Stream& stream) {
  int64_t bytes = shape.numel() * dtype_size(dtype);
  CoreStorage* storage = CoreStorage::allocate(ctx, bytes, stream);
  try {
    return std::make_shared<Tensor>(Tensor::AdoptStorage{}, storage, shape, dtype);
  } catch (...) {
    storage->release();  // make_shared failed: the reference was not taken over
    throw;
  }
}

std::shared_ptr<Tensor> Tensor::view(int64_t offset, const Shape& shape,
                                     const Strides& strides) const {
  return std::make_shared<Tensor>(storage_, offset, dtype_, shape, strides);
}

int64_t Tensor::nbytes() const { return numel() * dtype_size(dtype_); }

bool Tensor::is_contiguous() const {
  if (numel() == 0) return true;  // no element is out of place
  int64_t expect = 1;
  for (int i = shape_.ndim - 1; i >= 0; --i) {
    if (shape_.dims[i] != 1 && strides_[i] != expect) return false;
    expect *= shape_.dims[i];
  }
  return true;
}

TensorDesc Tensor::desc() const {
  TensorDesc d;
  d.base = storage_->base();
  d.offset = offset_;
  d.dtype = dtype_;
  d.ndim = shape_.ndim;
  for (int i = 0; i < shape_.ndim; ++i) {
    d.shape[i] = shape_.dims[i];
    d.strides[i] = strides_[i];
  }
  return d;
}

}  // namespace tsr
