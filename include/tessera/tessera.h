/*
 * tessera.h - the whole public C ABI of Tessera, a GPU tensor runtime.
 *
 * Conventions (they hold for every function below):
 *  - Every function returns a tsr_status. TSR_OK (0) is success; any other
 *    value is an error whose range says what kind (see tsr_status), and
 *    tsr_last_error_message() gives a per-thread UTF-8 text naming the
 *    function, the op and the shapes involved.
 *  - Results come back through out-parameters, which are left untouched
 *    when the call fails.
 *  - Handles (tsr_device, tsr_context, tsr_tensor, tsr_stream, tsr_event) are
 *    opaque values validated through a slot table: a null, released, foreign
 *    or wrong-kind handle gives TSR_ERROR_INVALID_HANDLE, never a crash.
 *  - Objects are reference counted: *_retain adds a reference, *_release
 *    drops one; release accepts null. A view shares storage with its base and
 *    keeps it alive.
 *  - Sizes, shapes, strides and offsets are int64_t. Strides are in
 *    elements, not bytes. Strings are UTF-8.
 *  - Ops are asynchronous on a stream (null stream = the context's default
 *    stream). Only host reads, synchronize calls and event waits block.
 *    Streams are independent queues (like CUDA non-blocking streams): work
 *    on two streams is ordered only through events (tsr_event_record +
 *    tsr_stream_wait_event) or a synchronize. A tensor made on one stream
 *    and read on another needs such an ordering first.
 *  - Op outputs: `tsr_tensor* out` is in/out. If *out is null, the op
 *    allocates the result and stores its handle in *out (the caller owns one
 *    reference). If *out is a tensor, the op writes into it; its shape and
 *    dtype must be exactly the result's.
 *  - Option structs begin with a `size` field: set it to sizeof(the struct)
 *    so newer libraries can read older callers' structs.
 */
#ifndef TESSERA_TESSERA_H
#define TESSERA_TESSERA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define TSR_API __declspec(dllexport)
#elif defined(__GNUC__)
#define TSR_API __attribute__((visibility("default")))
#else
#define TSR_API
#endif

/* Enums have a fixed 32-bit underlying type in C++, so that any value a C
 * caller passes, valid or not, is well defined inside the library (and
 * refused with TSR_ERROR_INVALID_ARGUMENT). In C an enum is an int: same
 * size and calling convention. */
#ifdef __cplusplus
#define TSR_ENUM_TYPE : int32_t
#else
#define TSR_ENUM_TYPE
#endif

#define TSR_VERSION_MAJOR 0
#define TSR_VERSION_MINOR 1
#define TSR_VERSION_PATCH 0

/** Largest number of dimensions a tensor may have. */
#define TSR_MAX_DIMS 8

/* ------------------------------------------------------------------------
 * Status codes, grouped by range: 1xx argument, 2xx shape/dtype, 3xx memory,
 * 4xx device, 5xx backend, 6xx unsupported, 9xx internal.
 * ---------------------------------------------------------------------- */
typedef enum tsr_status TSR_ENUM_TYPE {
  TSR_OK = 0,
  TSR_ERROR_INVALID_ARGUMENT = 100, /* a value is out of its allowed set */
  TSR_ERROR_INVALID_HANDLE = 101,   /* null, released, foreign or wrong-kind handle */
  TSR_ERROR_NULL_POINTER = 102,     /* a required pointer argument is null */
  TSR_ERROR_OUT_OF_RANGE = 103,     /* an index or axis is out of range */
  TSR_ERROR_SHAPE_MISMATCH = 200,   /* shapes do not broadcast or do not match */
  TSR_ERROR_DTYPE_MISMATCH = 201,   /* dtypes have no common type or differ */
  TSR_ERROR_INVALID_SHAPE = 202,    /* a negative dimension or an impossible view */
  TSR_ERROR_TOO_MANY_DIMS = 203,    /* more than TSR_MAX_DIMS dimensions */
  TSR_ERROR_OUT_OF_MEMORY = 300,    /* the device could not allocate, even after a trim */
  TSR_ERROR_QUOTA_EXCEEDED = 301,   /* the context's memory quota would be exceeded */
  TSR_ERROR_SIZE_OVERFLOW = 302,    /* an element or byte count overflows int64 */
  TSR_ERROR_DEVICE_UNAVAILABLE = 400, /* no such device, or its driver is missing */
  TSR_ERROR_DEVICE_MISMATCH = 401,  /* operands live in different contexts */
  TSR_ERROR_BACKEND = 500,          /* the backend library reported a failure */
  TSR_ERROR_ASYNC = 501,            /* an earlier asynchronous op failed on this stream */
  TSR_ERROR_UNSUPPORTED = 600,      /* op, dtype or feature not supported by this backend */
  TSR_ERROR_INTERNAL = 900          /* a bug in Tessera; please report it */
} tsr_status;

/* ------------------------------------------------------------------------
 * Data types. Half types (float16, bfloat16) are computed in float32.
 * ---------------------------------------------------------------------- */
typedef enum tsr_dtype TSR_ENUM_TYPE {
  TSR_BOOL = 0,
  TSR_INT8 = 1,
  TSR_INT16 = 2,
  TSR_INT32 = 3,
  TSR_INT64 = 4,
  TSR_UINT8 = 5,
  TSR_UINT16 = 6,
  TSR_UINT32 = 7,
  TSR_UINT64 = 8,
  TSR_FLOAT16 = 9,
  TSR_BFLOAT16 = 10,
  TSR_FLOAT32 = 11,
  TSR_FLOAT64 = 12,
  TSR_DTYPE_COUNT = 13
} tsr_dtype;

/** Kinds of device. TSR_DEVICE_BEST asks for the best device present. */
typedef enum tsr_device_kind TSR_ENUM_TYPE {
  TSR_DEVICE_BEST = 0,
  TSR_DEVICE_CPU = 1,
  TSR_DEVICE_CUDA = 2,
  TSR_DEVICE_HIP = 3,
  TSR_DEVICE_OPENCL = 4
} tsr_device_kind;

/* ------------------------------------------------------------------------
 * Handles: each object kind has its own type so a C compiler rejects a
 * stream passed as a tensor. The values are opaque; null means "none".
 * ---------------------------------------------------------------------- */
typedef struct tsr_device_h* tsr_device;
typedef struct tsr_context_h* tsr_context;
typedef struct tsr_tensor_h* tsr_tensor;
typedef struct tsr_stream_h* tsr_stream;
typedef struct tsr_event_h* tsr_event;

/* ------------------------------------------------------------------------
 * Errors and version
 * ---------------------------------------------------------------------- */

/** Library version. Any out pointer may be null. */
TSR_API tsr_status tsr_version(int32_t* major, int32_t* minor, int32_t* patch);

/** The last error message of the calling thread (UTF-8, never null; "" when
 *  the last call succeeded). Valid until the thread's next Tessera call. */
TSR_API const char* tsr_last_error_message(void);

/** A static name for a status, e.g. "TSR_ERROR_INVALID_HANDLE". Never null. */
TSR_API const char* tsr_status_string(tsr_status status);

/** A static name for a dtype, e.g. "float32"; "invalid" for unknown values. */
TSR_API const char* tsr_dtype_name(tsr_dtype dtype);

/** Size of one element of dtype in bytes (bool is 1 byte). */
TSR_API tsr_status tsr_dtype_size(tsr_dtype dtype, int64_t* out_bytes);

/** The dtype that a binary op on a and b computes in (Array API promotion,
 *  extended: integer with floating gives the floating type). */
TSR_API tsr_status tsr_result_type(tsr_dtype a, tsr_dtype b, tsr_dtype* out);

/* ------------------------------------------------------------------------
 * Devices
 * ---------------------------------------------------------------------- */
typedef struct tsr_device_info {
  size_t size;               /* set to sizeof(tsr_device_info) by the caller */
  tsr_device_kind kind;      /* backend kind */
  int32_t index;             /* index among the devices of this kind */
  char name[128];            /* human readable, NUL terminated */
  int64_t total_memory;      /* bytes of device memory (host RAM for the CPU) */
  int64_t free_memory;       /* bytes free now, or -1 when unknown */
  int32_t compute_units;     /* SMs, CUs or CPU cores */
  int32_t supports_float64;  /* 1 when float64 is supported */
  int32_t supports_float16;  /* 1 when float16 is supported */
} tsr_device_info;

/** Number of devices over all backends that loaded (the CPU is always one). */
TSR_API tsr_status tsr_device_count(int32_t* out_count);

/** The index-th device (0 <= index < count). Device handles live as long as
 *  the library; retain/release are accepted and do nothing harmful. */
TSR_API tsr_status tsr_device_get(int32_t index, tsr_device* out_device);

/** Facts about a device. info->size must be set by the caller. */
TSR_API tsr_status tsr_device_get_info(tsr_device device, tsr_device_info* info);

TSR_API tsr_status tsr_device_retain(tsr_device device);
TSR_API void tsr_device_release(tsr_device device);

/** Whether a backend plugin of this kind loaded; `out_reason` (may be null)
 *  receives a static text saying why not. */
TSR_API tsr_status tsr_backend_available(tsr_device_kind kind, int32_t* out_available,
                                         const char** out_reason);

/* ------------------------------------------------------------------------
 * Contexts
 * ---------------------------------------------------------------------- */
enum {
  TSR_CONTEXT_ZERO_ON_ALLOCATE = 1u << 0, /* fill every new allocation with zeros */
  TSR_CONTEXT_ALLOW_TF32 = 1u << 1,       /* float32 matmul may use TF32 (GPU) */
  TSR_CONTEXT_DETERMINISTIC = 1u << 2     /* prefer deterministic algorithms */
};

enum {
  TSR_STREAM_DEFAULT = 0,
  TSR_STREAM_NON_BLOCKING = 1u << 0, /* CUDA: cudaStreamNonBlocking (no implicit sync with the legacy NULL stream) */
  /* CUDA/HIP: ops return once queued for a per-stream submission thread that
   * makes the driver calls, so the caller's own work overlaps the launches.
   * Synchronize, query, record, wait, host transfers and
   * tsr_stream_native_handle first hand every queued op to the device; native
   * work issued on the stream later follows only the ops issued before such
   * a call. A launch error surfaces at the next synchronizing call. Ignored
   * by the CPU and OpenCL backends (docs/architecture.md, Submission). */
  TSR_STREAM_SUBMIT_THREAD = 1u << 1 /* CUDA/HIP: ops are queued for a per-stream submission thread */
};

typedef struct tsr_context_options {
  size_t size;                 /* set to sizeof(tsr_context_options) */
  tsr_device_kind device_kind; /* TSR_DEVICE_BEST picks the best device present */
  int32_t device_index;        /* index among devices of that kind */
  uint32_t flags;              /* TSR_CONTEXT_* bits */
  uint32_t default_stream_flags; /* TSR_STREAM_* bits of the default stream */
  int64_t memory_quota;        /* max bytes reserved by this context; 0 = no limit */
} tsr_context_options;

/** Create a context. options may be null (best device, no quota). */
TSR_API tsr_status tsr_context_create(const tsr_context_options* options,
                                      tsr_context* out_context);
TSR_API tsr_status tsr_context_retain(tsr_context context);
TSR_API void tsr_context_release(tsr_context context);

/** The device a context runs on. The returned handle needs no release. */
TSR_API tsr_status tsr_context_get_device(tsr_context context, tsr_device* out_device);

/** Block until all work on all of the context's streams is done. */
TSR_API tsr_status tsr_context_synchronize(tsr_context context);

/** The context's default stream (borrowed: no release needed). */
TSR_API tsr_status tsr_context_default_stream(tsr_context context, tsr_stream* out_stream);

typedef struct tsr_stats {
  size_t size;                 /* set to sizeof(tsr_stats) */
  int64_t bytes_in_use;        /* bytes held by live tensors */
  int64_t bytes_reserved;      /* bytes held from the device, in use or cached */
  int64_t peak_bytes_in_use;   /* high-water mark of bytes_in_use */
  int64_t device_allocations;  /* calls to the device's allocator (malloc, cudaMalloc..) */
  int64_t device_frees;        /* calls to the device's free */
  int64_t allocation_requests; /* blocks handed out by the caching allocator */
  int64_t cache_hits;          /* requests served from the cache */
  int64_t synchronizations;    /* host waits on device work */
  int64_t kernel_compilations; /* run-time kernel builds (OpenCL programs, ...) */
  int64_t ops_launched;        /* ops enqueued */
} tsr_stats;

/** Statistics of a context. stats->size must be set by the caller. */
TSR_API tsr_status tsr_context_get_stats(tsr_context context, tsr_stats* stats);

/** Reset the counters (not bytes in use/reserved) and set the peak to the
 *  current bytes in use. */
TSR_API tsr_status tsr_context_reset_stats(tsr_context context);

/** Return all cached, unused blocks to the device. */
TSR_API tsr_status tsr_context_trim(tsr_context context);

/* ------------------------------------------------------------------------
 * Streams and events
 * ---------------------------------------------------------------------- */
TSR_API tsr_status tsr_stream_create(tsr_context context, uint32_t flags, tsr_stream* out_stream);
/** Wrap a caller's native stream (cudaStream_t, hipStream_t, cl_command_queue).
 *  Tessera never destroys it. Unsupported on the CPU. */
TSR_API tsr_status tsr_stream_wrap_native(tsr_context context, void* native_stream,
                                          tsr_stream* out_stream);
/** The native stream handle (cudaStream_t, ...); null on the CPU. Borrowed. */
TSR_API tsr_status tsr_stream_native_handle(tsr_stream stream, void** out_native);
TSR_API tsr_status tsr_stream_retain(tsr_stream stream);
TSR_API void tsr_stream_release(tsr_stream stream);
/** Block until all work enqueued on the stream is done; reports the first
 *  asynchronous failure (TSR_ERROR_ASYNC plus the op's name) and clears it. */
TSR_API tsr_status tsr_stream_synchronize(tsr_stream stream);
/** *out_done = 1 when all enqueued work is done, else 0. Never blocks. */
TSR_API tsr_status tsr_stream_query(tsr_stream stream, int32_t* out_done);
/** Make future work on `stream` wait for the event's last record. */
TSR_API tsr_status tsr_stream_wait_event(tsr_stream stream, tsr_event event);

TSR_API tsr_status tsr_event_create(tsr_context context, tsr_event* out_event);
TSR_API tsr_status tsr_event_retain(tsr_event event);
TSR_API void tsr_event_release(tsr_event event);
/** Record the event at the current end of `stream` (null = default stream). */
TSR_API tsr_status tsr_event_record(tsr_event event, tsr_stream stream);
/** Block until the event's last record has completed. */
TSR_API tsr_status tsr_event_synchronize(tsr_event event);
/** *out_done = 1 when the last record has completed (or never recorded). */
TSR_API tsr_status tsr_event_query(tsr_event event, int32_t* out_done);
/** Milliseconds between two completed records of the same context. */
TSR_API tsr_status tsr_event_elapsed_ms(tsr_event start, tsr_event end, float* out_ms);

/* ------------------------------------------------------------------------
 * Tensor creation. `shape` has `ndim` entries (it may be null when ndim is 0).
 * `stream` may be null (default stream).
 * ---------------------------------------------------------------------- */
/** Uninitialized contents (zeros when the context zero-fills allocations). */
TSR_API tsr_status tsr_tensor_empty(tsr_context context, const int64_t* shape, int32_t ndim,
                                    tsr_dtype dtype, tsr_tensor* out);
TSR_API tsr_status tsr_tensor_zeros(tsr_context context, const int64_t* shape, int32_t ndim,
                                    tsr_dtype dtype, tsr_stream stream, tsr_tensor* out);
/** Every element = value converted to dtype. */
TSR_API tsr_status tsr_tensor_full(tsr_context context, const int64_t* shape, int32_t ndim,
                                   tsr_dtype dtype, double value, tsr_stream stream,
                                   tsr_tensor* out);
/** 1-D tensor start, start+step, ... while < stop (> stop for a negative step). */
TSR_API tsr_status tsr_tensor_arange(tsr_context context, double start, double stop,
                                     double step, tsr_dtype dtype, tsr_stream stream,
                                     tsr_tensor* out);

typedef enum tsr_distribution TSR_ENUM_TYPE {
  TSR_RANDOM_UNIFORM = 0, /* uniform in [a, b) */
  TSR_RANDOM_NORMAL = 1   /* normal with mean a and standard deviation b */
} tsr_distribution;

/** Counter-based random numbers (Philox4x32-10): element i of a tensor made
 *  with `seed` is the same on every backend. Floating dtypes for both
 *  distributions; integer dtypes for uniform (floor of the draw). */
TSR_API tsr_status tsr_tensor_random(tsr_context context, const int64_t* shape, int32_t ndim,
                                     tsr_dtype dtype, tsr_distribution distribution,
                                     uint64_t seed, double a, double b, tsr_stream stream,
                                     tsr_tensor* out);

/** Copy `bytes` bytes of host memory (C order, dtype elements) into a new
 *  tensor. bytes must equal the tensor's byte size. */
TSR_API tsr_status tsr_tensor_from_host(tsr_context context, const void* data, int64_t bytes,
                                        const int64_t* shape, int32_t ndim, tsr_dtype dtype,
                                        tsr_stream stream, tsr_tensor* out);

/** Called exactly once when Tessera no longer needs wrapped memory. */
typedef void (*tsr_deleter)(void* data, void* user_data);

/** Wrap memory the caller owns, without a copy. For the CPU, `data` is host
 *  memory; for GPU contexts, a device pointer of that device. `strides` may
 *  be null (C order). `deleter` (may be null) runs once when the last tensor
 *  using the memory is released, and also when this call fails. */
TSR_API tsr_status tsr_tensor_wrap(tsr_context context, void* data, const int64_t* shape,
                                   const int64_t* strides, int32_t ndim, tsr_dtype dtype,
                                   tsr_deleter deleter, void* user_data, tsr_tensor* out);

/** Copy a tensor (any layout) into host memory in C order. bytes must equal
 *  the tensor's byte size. Waits for the stream (only that one). */
TSR_API tsr_status tsr_tensor_to_host(tsr_tensor tensor, void* data, int64_t bytes,
                                      tsr_stream stream);

/** Copy src into dst (same shape, any dtype: converted; any contexts). */
TSR_API tsr_status tsr_tensor_copy(tsr_tensor dst, tsr_tensor src, tsr_stream stream);

/** A copy of src in another context (its device), same shape and dtype. */
TSR_API tsr_status tsr_tensor_to_context(tsr_tensor src, tsr_context context,
                                         tsr_stream stream, tsr_tensor* out);

TSR_API tsr_status tsr_tensor_retain(tsr_tensor tensor);
TSR_API void tsr_tensor_release(tsr_tensor tensor);

/* ------------------------------------------------------------------------
 * Tensor queries
 * ---------------------------------------------------------------------- */
TSR_API tsr_status tsr_tensor_ndim(tsr_tensor tensor, int32_t* out_ndim);
/** Copies ndim entries into out_shape (room for TSR_MAX_DIMS is always enough). */
TSR_API tsr_status tsr_tensor_shape(tsr_tensor tensor, int64_t* out_shape);
/** Strides in elements. */
TSR_API tsr_status tsr_tensor_strides(tsr_tensor tensor, int64_t* out_strides);
TSR_API tsr_status tsr_tensor_dtype(tsr_tensor tensor, tsr_dtype* out_dtype);
TSR_API tsr_status tsr_tensor_numel(tsr_tensor tensor, int64_t* out_numel);
/** numel * element size. */
TSR_API tsr_status tsr_tensor_nbytes(tsr_tensor tensor, int64_t* out_bytes);
/** The context a tensor lives in, as a new handle: the caller owns one
 *  reference and releases it with tsr_context_release. */
TSR_API tsr_status tsr_tensor_context(tsr_tensor tensor, tsr_context* out_context);
TSR_API tsr_status tsr_tensor_device(tsr_tensor tensor, tsr_device* out_device);
/** 1 when C-contiguous. */
TSR_API tsr_status tsr_tensor_is_contiguous(tsr_tensor tensor, int32_t* out_contiguous);
/** Address of element 0 (host or device pointer; an offset-carrying cl_mem
 *  is not addressable and gives TSR_ERROR_UNSUPPORTED). */
TSR_API tsr_status tsr_tensor_data_pointer(tsr_tensor tensor, void** out_pointer);

/* ------------------------------------------------------------------------
 * Views: no copy, they share storage with `tensor`.
 * ---------------------------------------------------------------------- */
/** A view with a new shape when the layout allows it, else a C-order copy
 *  (on the default stream). One entry may be -1 (inferred). */
TSR_API tsr_status tsr_tensor_reshape(tsr_tensor tensor, const int64_t* shape, int32_t ndim,
                                      tsr_tensor* out);
/** axes is a permutation of 0..ndim-1; negative axes count from the end. */
TSR_API tsr_status tsr_tensor_permute(tsr_tensor tensor, const int32_t* axes, int32_t ndim,
                                      tsr_tensor* out);
TSR_API tsr_status tsr_tensor_transpose(tsr_tensor tensor, int32_t axis0, int32_t axis1,
                                        tsr_tensor* out);
/** Per axis: start, stop, step (Python slice semantics after clamping;
 *  step != 0, negative steps allowed). Arrays have ndim entries. A start of
 *  INT64_MIN or a stop of INT64_MAX means "omitted" (Python's None), so
 *  {INT64_MIN, INT64_MAX, -1} reverses an axis. */
TSR_API tsr_status tsr_tensor_slice(tsr_tensor tensor, const int64_t* starts,
                                    const int64_t* stops, const int64_t* steps,
                                    tsr_tensor* out);
/** Broadcast to `shape` (stride 0 on expanded axes). */
TSR_API tsr_status tsr_tensor_expand(tsr_tensor tensor, const int64_t* shape, int32_t ndim,
                                     tsr_tensor* out);
/** Remove axis `axis` (its size must be 1). */
TSR_API tsr_status tsr_tensor_squeeze(tsr_tensor tensor, int32_t axis, tsr_tensor* out);
/** Insert an axis of size 1 before position `axis` (-ndim-1 <= axis <= ndim). */
TSR_API tsr_status tsr_tensor_unsqueeze(tsr_tensor tensor, int32_t axis, tsr_tensor* out);
/** A C-contiguous tensor: a new reference to `tensor` if already contiguous,
 *  else a copy. */
TSR_API tsr_status tsr_tensor_contiguous(tsr_tensor tensor, tsr_stream stream, tsr_tensor* out);

/* ------------------------------------------------------------------------
 * DLPack (zero copy). The DLPack structs are the standard ones
 * (dlpack.h, ABI 0.x legacy DLManagedTensor and 1.x DLManagedTensorVersioned).
 * ---------------------------------------------------------------------- */
/** Export: *out_managed receives a DLManagedTensor* (versioned = 0) or a
 *  DLManagedTensorVersioned* (versioned = 1) that keeps the tensor's storage
 *  alive until its deleter is called. */
TSR_API tsr_status tsr_tensor_to_dlpack(tsr_tensor tensor, int32_t versioned, void** out_managed);
/** Import without a copy; takes ownership of `managed` on success (its
 *  deleter runs when the last tensor using it is released). The memory must
 *  live on the context's device. */
TSR_API tsr_status tsr_tensor_from_dlpack(tsr_context context, void* managed, int32_t versioned,
                                          tsr_tensor* out);
/** DLPack device type and id of a tensor (kDLCPU = 1, kDLCUDA = 2, ...). */
TSR_API tsr_status tsr_tensor_dlpack_device(tsr_tensor tensor, int32_t* out_device_type,
                                            int32_t* out_device_id);

/* ------------------------------------------------------------------------
 * Elementwise ops. Broadcasting and type promotion follow the Array API.
 * ---------------------------------------------------------------------- */
typedef enum tsr_unary_op TSR_ENUM_TYPE {
  TSR_ABS = 0, TSR_NEGATIVE, TSR_EXP, TSR_EXPM1, TSR_LOG, TSR_LOG1P, TSR_SQRT, TSR_RSQRT,
  TSR_SQUARE, TSR_SIN, TSR_COS, TSR_TAN, TSR_TANH, TSR_SIGMOID, TSR_RELU, TSR_GELU, TSR_SILU,
  TSR_FLOOR, TSR_CEIL, TSR_ROUND, TSR_SIGN, TSR_LOGICAL_NOT, TSR_ISNAN, TSR_ISINF,
  TSR_UNARY_OP_COUNT
} tsr_unary_op;

typedef enum tsr_binary_op TSR_ENUM_TYPE {
  TSR_ADD = 0, TSR_SUBTRACT, TSR_MULTIPLY, TSR_DIVIDE, TSR_FLOOR_DIVIDE, TSR_REMAINDER, TSR_POW,
  TSR_MAXIMUM, TSR_MINIMUM, TSR_EQUAL, TSR_NOT_EQUAL, TSR_LESS, TSR_LESS_EQUAL, TSR_GREATER,
  TSR_GREATER_EQUAL, TSR_LOGICAL_AND, TSR_LOGICAL_OR, TSR_LOGICAL_XOR, TSR_BITWISE_AND,
  TSR_BITWISE_OR, TSR_BITWISE_XOR,
  TSR_BINARY_OP_COUNT
} tsr_binary_op;

/** out = op(x). Math functions of integer inputs give float32. */
TSR_API tsr_status tsr_unary(tsr_unary_op op, tsr_tensor x, tsr_stream stream, tsr_tensor* out);
/** out = op(a, b) with broadcasting and promotion. */
TSR_API tsr_status tsr_binary(tsr_binary_op op, tsr_tensor a, tsr_tensor b, tsr_stream stream,
                              tsr_tensor* out);
/** out = op(a, scalar), or op(scalar, a) when scalar_first is 1. The scalar
 *  takes a's dtype, except a non-integral scalar with an integer or bool a,
 *  which gives float32. A whole scalar outside an integer a's range is
 *  compared exactly, and gives TSR_ERROR_OUT_OF_RANGE for ops that would
 *  compute in a's dtype. */
TSR_API tsr_status tsr_binary_scalar(tsr_binary_op op, tsr_tensor a, double scalar,
                                     int32_t scalar_first, tsr_stream stream, tsr_tensor* out);
/** out = cond ? a : b, broadcasting all three; cond is converted to bool. */
TSR_API tsr_status tsr_where(tsr_tensor cond, tsr_tensor a, tsr_tensor b, tsr_stream stream,
                             tsr_tensor* out);
/** out = x converted to dtype (C casts; float to int truncates). */
TSR_API tsr_status tsr_astype(tsr_tensor x, tsr_dtype dtype, tsr_stream stream, tsr_tensor* out);

/* ------------------------------------------------------------------------
 * Reductions over a set of axes. num_axes = -1 reduces every axis; axes may
 * be negative (counted from the end) and must be distinct.
 * ---------------------------------------------------------------------- */
typedef enum tsr_reduce_op TSR_ENUM_TYPE {
  TSR_SUM = 0, TSR_PROD, TSR_MEAN, TSR_VAR, TSR_STD, TSR_MIN, TSR_MAX, TSR_ARGMIN, TSR_ARGMAX,
  TSR_ANY, TSR_ALL,
  TSR_REDUCE_OP_COUNT
} tsr_reduce_op;

/** sum/prod of bool and signed ints give int64, of unsigned ints uint64;
 *  mean/var/std of integers give float32; argmin/argmax give int64 (one axis
 *  or all axes, flattened index); any/all give bool. `correction` is the
 *  degrees-of-freedom correction of var/std (0 population, 1 sample). */
TSR_API tsr_status tsr_reduce(tsr_reduce_op op, tsr_tensor x, const int32_t* axes,
                              int32_t num_axes, int32_t keepdims, double correction,
                              tsr_stream stream, tsr_tensor* out);

/* ------------------------------------------------------------------------
 * Linear algebra and neural-network ops
 * ---------------------------------------------------------------------- */
/** out = alpha * op(a) @ op(b) + beta * out, with op = transpose of the last
 *  two axes when trans_* is 1. Array API matmul rules: 1-D operands are
 *  promoted and the added axis removed; batch axes broadcast. beta != 0
 *  needs a caller-supplied *out. */
TSR_API tsr_status tsr_matmul(tsr_tensor a, tsr_tensor b, int32_t trans_a, int32_t trans_b,
                              double alpha, double beta, tsr_stream stream, tsr_tensor* out);

typedef enum tsr_activation TSR_ENUM_TYPE {
  TSR_ACTIVATION_NONE = 0,
  TSR_ACTIVATION_RELU = 1,
  TSR_ACTIVATION_GELU = 2,    /* tanh approximation */
  TSR_ACTIVATION_SILU = 3,
  TSR_ACTIVATION_SIGMOID = 4,
  TSR_ACTIVATION_TANH = 5
} tsr_activation;

/** out = act(x @ weight^T + bias). x: [..., in], weight: [out, in], bias:
 *  [out] or null. One call; on GPUs bias and activation are fused. */
TSR_API tsr_status tsr_linear(tsr_tensor x, tsr_tensor weight, tsr_tensor bias,
                              tsr_activation activation, tsr_stream stream, tsr_tensor* out);

/** Softmax over the last axis. */
TSR_API tsr_status tsr_softmax(tsr_tensor x, tsr_stream stream, tsr_tensor* out);
TSR_API tsr_status tsr_log_softmax(tsr_tensor x, tsr_stream stream, tsr_tensor* out);
/** Layer norm over the last axis; gamma and beta ([last]) may be null. */
TSR_API tsr_status tsr_layer_norm(tsr_tensor x, tsr_tensor gamma, tsr_tensor beta, double eps,
                                  tsr_stream stream, tsr_tensor* out);
/** RMS norm over the last axis; gamma ([last]) may be null. */
TSR_API tsr_status tsr_rms_norm(tsr_tensor x, tsr_tensor gamma, double eps, tsr_stream stream,
                                tsr_tensor* out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TESSERA_TESSERA_H */
