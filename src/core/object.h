// Base of every object a public handle can name.
#pragma once
#include <memory>

namespace tsr {

enum class HandleKind : uint32_t { None = 0, Device = 1, Context = 2, Tensor = 3, Stream = 4, Event = 5 };

const char* handle_kind_name(HandleKind kind);

class Object : public std::enable_shared_from_this<Object> {
 public:
  virtual ~Object() = default;
};

}  // namespace tsr
