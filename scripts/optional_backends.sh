#!/usr/bin/env bash
# Prints the CMake flags (or, with --targets, the ninja targets) of the
# optional backends whose toolchains are present on this machine.
flags=() targets=()
if [[ -f /usr/include/CL/cl.h && -f /usr/include/clblast_c.h && "${TESSERA_SKIP_OPENCL:-0}" != 1 ]]; then
  flags+=(-DTESSERA_WITH_OPENCL=ON); targets+=(tessera_opencl)
fi
if [[ -x /usr/local/cuda/bin/nvcc && "${TESSERA_SKIP_CUDA:-0}" != 1 ]]; then
  flags+=(-DTESSERA_WITH_CUDA=ON -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc); targets+=(tessera_cuda)
fi
if command -v hipcc >/dev/null && [[ "${TESSERA_SKIP_HIP:-0}" != 1 ]]; then
  flags+=(-DTESSERA_WITH_HIP=ON); targets+=(tessera_hip)
fi
if [[ "${1:-}" == "--targets" ]]; then
  # Only targets that the current checkout actually defines.
  for t in "${targets[@]}"; do
    d=${t#tessera_}
    [[ -f src/backends/$d/CMakeLists.txt ]] && echo -n "$t "
  done
else
  for f in "${flags[@]}"; do
    case $f in
      -DTESSERA_WITH_OPENCL=ON) [[ -f src/backends/opencl/CMakeLists.txt ]] && echo -n "$f " ;;
      -DTESSERA_WITH_CUDA=ON) [[ -f src/backends/cuda/CMakeLists.txt ]] && echo -n "$f " ;;
      -DTESSERA_WITH_HIP=ON) [[ -f src/backends/hip/CMakeLists.txt ]] && echo -n "$f " ;;
      *) [[ -f src/backends/cuda/CMakeLists.txt ]] && echo -n "$f " ;;
    esac
  done
fi
echo
