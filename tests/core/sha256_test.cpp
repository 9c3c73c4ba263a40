// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "sha256.hpp"

BOOST_AUTO_TEST_SUITE(sha256)

// FIPS 180-4 / NIST example vectors, including the padding edge at 55/56/64 bytes.
BOOST_AUTO_TEST_CASE(nist_vectors) {
  using cartcore::sha256Hex;
  BOOST_TEST(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  BOOST_TEST(sha256Hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  BOOST_TEST(sha256Hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  BOOST_TEST(sha256Hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  BOOST_TEST(sha256Hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

// The CPU's SHA extensions (when this machine has them) and the portable code WASM runs give the same digest for
// every length around the block edges and for long, varied input fed in uneven pieces.
BOOST_AUTO_TEST_CASE(cpu_extensions_and_portable_code_agree) {
  BOOST_TEST_MESSAGE("SHA extensions in use: " << cartcore::sha256UsesCpuExtensions());
  std::string text;
  uint32_t seed = 12345;
  for (int i = 0; i < 5000; ++i) {
    seed = seed * 1103515245u + 12345u;
    text.push_back(static_cast<char>(seed >> 24));
  }
  for (std::size_t length : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u, 1000u, 5000u}) {
    cartcore::Sha256 fast;
    cartcore::Sha256 portable = cartcore::Sha256::portable();
    for (std::size_t at = 0, piece = 1; at < length; at += piece, piece = piece * 3 % 97 + 1) {
      const std::string_view chunk = std::string_view(text).substr(at, std::min(piece, length - at));
      fast.update(chunk);
      portable.update(chunk);
    }
    BOOST_TEST(fast.hexDigest() == portable.hexDigest(), "length " << length);
  }
  cartcore::Sha256 portable = cartcore::Sha256::portable();
  portable.update(std::string(1000000, 'a'));
  BOOST_TEST(portable.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_SUITE_END()
