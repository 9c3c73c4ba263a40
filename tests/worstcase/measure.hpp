// SPDX-License-Identifier: MIT
// Honest measurements for the worst-case suite: every run happens in a fresh child process (a hang is killed at a
// deadline instead of stalling the suite), time is the CPU time of the operation alone, and memory is the peak of
// live heap bytes during the operation, counted by a replacement operator new in this binary.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace cartcore::worstcase {

/** Live heap bytes allocated through operator new right now, and the most since the last resetHeapPeak(). */
int64_t heapLiveBytes();
int64_t heapPeakBytes();
void resetHeapPeak();

/** What one operation did: its outcome ("ok" or an error code), its cost, and how much it wrote. */
struct Measurement {
  std::string outcome;
  double millis = 0;          // CPU time of the fastest repetition
  int64_t peakHeapBytes = 0;  // above the heap in use just before the operation (inputs, compiled store)
  int64_t outputBytes = 0;
  int64_t maxRssKb = 0;       // the child's whole peak RSS, input generation included (for context)
  bool timedOut = false;
  bool crashed = false;
};

/**
 * Runs `body` in a forked child with an address-space cap (so a runaway case fails instead of swapping the machine)
 * and a deadline (SIGALRM), and returns what it measured. A child killed by the deadline is timedOut; one killed by
 * any other signal is crashed.
 */
Measurement runIsolated(const std::function<Measurement()>& body, unsigned timeoutSeconds, int64_t addressSpaceBytes);

}  // namespace cartcore::worstcase
