// SPDX-License-Identifier: MIT
#include "sha256.hpp"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace cartcore {
namespace {

constexpr std::array<uint32_t, 64> kRoundConstants{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// Rounds are unrolled eight at a time with the working variables rotated by name, the classic way to keep them in
// registers; the message schedule is computed in a 16-word ring instead of a 64-word array.
#define CARTCORE_SHA_ROUND(a, b, c, d, e, f, g, h, i)                                                   \
  do {                                                                                                  \
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRoundConstants[i] + w[(i) & 15]; \
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));            \
    d += t1;                                                                                            \
    h = t1 + t2;                                                                                        \
  } while (0)

void compress(std::array<uint32_t, 8>& state, const unsigned char* block) {
  uint32_t w[16];
  for (int i = 0; i < 16; ++i) {
    w[i] = uint32_t(block[4 * i]) << 24 | uint32_t(block[4 * i + 1]) << 16 | uint32_t(block[4 * i + 2]) << 8 |
           uint32_t(block[4 * i + 3]);
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  for (int i = 0; i < 64; i += 8) {
    if (i >= 16) {
      for (int j = i; j < i + 8; ++j) {
        uint32_t w15 = w[(j - 15) & 15], w2 = w[(j - 2) & 15];
        w[j & 15] += (rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)) + w[(j - 7) & 15] + (rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10));
      }
    }
    CARTCORE_SHA_ROUND(a, b, c, d, e, f, g, h, i + 0);
    CARTCORE_SHA_ROUND(h, a, b, c, d, e, f, g, i + 1);
    CARTCORE_SHA_ROUND(g, h, a, b, c, d, e, f, i + 2);
    CARTCORE_SHA_ROUND(f, g, h, a, b, c, d, e, i + 3);
    CARTCORE_SHA_ROUND(e, f, g, h, a, b, c, d, i + 4);
    CARTCORE_SHA_ROUND(d, e, f, g, h, a, b, c, i + 5);
    CARTCORE_SHA_ROUND(c, d, e, f, g, h, a, b, i + 6);
    CARTCORE_SHA_ROUND(b, c, d, e, f, g, h, a, i + 7);
  }
  state[0] += a; state[1] += b; state[2] += c; state[3] += d; state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

#undef CARTCORE_SHA_ROUND

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CARTCORE_SHA_EXTENSIONS 1

/**
 * The same compression with the x86 SHA extensions (Intel SHA-NI, every AMD Zen): about ten times fewer
 * instructions per block, which makes the quote digest a small share of a quote. Same bytes in, same state out; the
 * portable compress() above stays the reference (WASM, older CPUs) and the test vectors check both.
 */
__attribute__((target("sha,sse4.1,ssse3"))) void compressWithExtensions(std::array<uint32_t, 8>& state,
                                                                        const unsigned char* block) {
  const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  // The instructions want the state as ABEF and CDGH.
  __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0])), 0xB1);
  __m128i cdgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4])), 0x1B);
  __m128i abef = _mm_alignr_epi8(abcd, cdgh, 8);
  cdgh = _mm_blend_epi16(cdgh, abcd, 0xF0);
  const __m128i abefBefore = abef;
  const __m128i cdghBefore = cdgh;
  // quads[n % 4] holds message words 4n..4n+3 once computed; each new quad is W[t-16] + s0(W[t-15]) + W[t-7] + s1(W[t-2]).
  __m128i quads[4];
  for (int n = 0; n < 16; ++n) {
    __m128i& quad = quads[n & 3];
    if (n < 4) {
      quad = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * n)), byteSwap);
    } else {
      const __m128i& previous = quads[(n + 3) & 3];
      __m128i next = _mm_sha256msg1_epu32(quad, quads[(n + 1) & 3]);
      next = _mm_add_epi32(next, _mm_alignr_epi8(previous, quads[(n + 2) & 3], 4));
      quad = _mm_sha256msg2_epu32(next, previous);
    }
    __m128i wk = _mm_add_epi32(quad, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kRoundConstants[4 * n])));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);  // two rounds; the result is the new ABEF
    wk = _mm_shuffle_epi32(wk, 0x0E);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);  // two more, roles swapped back
  }
  abef = _mm_add_epi32(abef, abefBefore);
  cdgh = _mm_add_epi32(cdgh, cdghBefore);
  // Back to ABCD and EFGH.
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), _mm_alignr_epi8(dchg, feba, 8));
}

/** Whether this CPU has the SHA extensions and the SSE levels the code above uses (CPUID; no state is kept). */
bool cpuHasShaExtensions() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  const bool sse = (ecx & bit_SSSE3) && (ecx & bit_SSE4_1);
  if (!sse || !__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return (ebx & bit_SHA) != 0;
}
#endif

/** The compression this machine runs fastest (or the portable one when asked); every choice gives the same state. */
void compressBlock(std::array<uint32_t, 8>& state, const unsigned char* block, bool portable) {
#ifdef CARTCORE_SHA_EXTENSIONS
  static const bool kExtensions = cpuHasShaExtensions();  // a property of the CPU, read once
  if (kExtensions && !portable) return compressWithExtensions(state, block);
#else
  (void)portable;
#endif
  compress(state, block);
}

}  // namespace

bool sha256UsesCpuExtensions() {
#ifdef CARTCORE_SHA_EXTENSIONS
  return cpuHasShaExtensions();
#else
  return false;
#endif
}

Sha256 Sha256::portable() {
  Sha256 hash;
  hash.portable_ = true;
  return hash;
}

void Sha256::update(std::string_view data) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t size = data.size();
  length_ += size;
  if (buffered_ > 0) {
    std::size_t take = std::min(size, 64 - buffered_);
    std::memcpy(buffer_ + buffered_, bytes, take);  // the digest feeds many small pieces: no byte loop
    buffered_ += take;
    bytes += take;
    size -= take;
    if (buffered_ < 64) return;
    compressBlock(state_, buffer_, portable_);
    buffered_ = 0;
  }
  for (; size >= 64; bytes += 64, size -= 64) compressBlock(state_, bytes, portable_);
  if (size > 0) std::memcpy(buffer_, bytes, size);
  buffered_ = size;
}

std::string Sha256::hexDigest() {
  // Padding: 0x80, zeros to 56 mod 64, then the message length in bits, big-endian.
  uint64_t bits = length_ * 8;
  unsigned char pad[72] = {0x80};
  std::size_t padLength = (buffered_ < 56 ? 56 : 120) - buffered_;
  for (int i = 0; i < 8; ++i) pad[padLength + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  update(std::string_view(reinterpret_cast<const char*>(pad), padLength + 8));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint32_t word : state_) {
    for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kHex[(word >> shift) & 0xf]);
  }
  return out;
}

std::string sha256Hex(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.hexDigest();
}

}  // namespace cartcore
