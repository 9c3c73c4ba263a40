// SPDX-License-Identifier: MIT
#include "measure.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <sstream>

namespace {

// The counting allocator. The suite is single-threaded, so plain counters are exact. Each block carries its size in
// a 16-byte header (16 keeps the default new alignment).
int64_t gLive = 0;
int64_t gPeak = 0;
constexpr std::size_t kHeader = 16;

void* countedAllocate(std::size_t size) {
  void* block = std::malloc(size + kHeader);
  if (!block) return nullptr;
  *static_cast<std::size_t*>(block) = size;
  gLive += static_cast<int64_t>(size);
  if (gLive > gPeak) gPeak = gLive;
  return static_cast<char*>(block) + kHeader;
}

void countedFree(void* pointer) {
  if (!pointer) return;
  char* block = static_cast<char*>(pointer) - kHeader;
  gLive -= static_cast<int64_t>(*reinterpret_cast<std::size_t*>(block));
  std::free(block);
}

void* allocateOrThrow(std::size_t size) {
  void* p = countedAllocate(size);
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return allocateOrThrow(size); }
void* operator new[](std::size_t size) { return allocateOrThrow(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return countedAllocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return countedAllocate(size); }
void operator delete(void* p) noexcept { countedFree(p); }
void operator delete[](void* p) noexcept { countedFree(p); }
void operator delete(void* p, std::size_t) noexcept { countedFree(p); }
void operator delete[](void* p, std::size_t) noexcept { countedFree(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { countedFree(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { countedFree(p); }

namespace cartcore::worstcase {

int64_t heapLiveBytes() { return gLive; }
int64_t heapPeakBytes() { return gPeak; }
void resetHeapPeak() { gPeak = gLive; }

Measurement runIsolated(const std::function<Measurement()>& body, unsigned timeoutSeconds, int64_t addressSpaceBytes) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  std::fflush(nullptr);
  pid_t child = fork();
  if (child < 0) std::abort();
  if (child == 0) {
    close(fds[0]);
    rlimit cap{static_cast<rlim_t>(addressSpaceBytes), static_cast<rlim_t>(addressSpaceBytes)};
    setrlimit(RLIMIT_AS, &cap);
    alarm(timeoutSeconds);
    Measurement m = body();
    std::ostringstream line;
    line << m.outcome << '\t' << m.millis << '\t' << m.peakHeapBytes << '\t' << m.outputBytes << '\n';
    std::string text = line.str();
    if (write(fds[1], text.data(), text.size()) < 0) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buffer[256];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  rusage usage{};
  while (wait4(child, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  Measurement m;
  m.maxRssKb = usage.ru_maxrss;
  if (WIFSIGNALED(status)) {
    m.timedOut = WTERMSIG(status) == SIGALRM;
    m.crashed = !m.timedOut;
    m.outcome = m.timedOut ? "timeout" : "crash (signal " + std::to_string(WTERMSIG(status)) + ")";
    m.millis = m.timedOut ? timeoutSeconds * 1000.0 : 0;
    return m;
  }
  std::istringstream fields(text);
  std::getline(fields, m.outcome, '\t');
  fields >> m.millis >> m.peakHeapBytes >> m.outputBytes;
  if (m.outcome.empty()) {
    m.crashed = true;
    m.outcome = "crash (exit " + std::to_string(WEXITSTATUS(status)) + ")";
  }
  return m;
}

}  // namespace cartcore::worstcase
