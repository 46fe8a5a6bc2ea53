#include "core/error_fingerprint.h"

#include <gtest/gtest.h>

namespace srclink {
namespace {

std::string Fp(std::string_view type, std::string_view message, std::string_view trace) {
  auto parsed = ParseStackTrace(trace);
  EXPECT_TRUE(parsed.ok());
  return ErrorFingerprint(type, message, *parsed);
}

const char* kTrace =
    "Traceback (most recent call last):\n"
    "  File \"/srv/app/shop/views.py\", line 42, in checkout\n"
    "  File \"/usr/lib/python3.11/json/decoder.py\", line 337, in decode\n"
    "ValueError: bad cart 1234\n";

TEST(ErrorFingerprintTest, SameIssueDespiteLinesMessagesRootsAndRuntimeFrames) {
  std::string base = Fp("ValueError", "bad cart 1234", kTrace);
  EXPECT_EQ(base.size(), 16u);
  // Other line numbers, another message, another deploy root, another runtime frame.
  EXPECT_EQ(base, Fp("ValueError", "bad cart 99",
                     "Traceback (most recent call last):\n"
                     "  File \"/home/deploy/releases/42/shop/views.py\", line 47, in checkout\n"
                     "  File \"/usr/lib/python3.12/json/scanner.py\", line 9, in scan\n"
                     "ValueError: bad cart 99\n"));
}

TEST(ErrorFingerprintTest, DifferentIssues) {
  std::string base = Fp("ValueError", "bad cart", kTrace);
  EXPECT_NE(base, Fp("KeyError", "bad cart", kTrace));
  EXPECT_NE(base, Fp("ValueError", "bad cart",
                     "Traceback (most recent call last):\n"
                     "  File \"/srv/app/shop/views.py\", line 42, in refund\n"
                     "ValueError: bad cart\n"));
  EXPECT_NE(base, Fp("ValueError", "bad cart",
                     "Traceback (most recent call last):\n"
                     "  File \"/srv/app/shop/api.py\", line 42, in checkout\n"
                     "ValueError: bad cart\n"));
}

TEST(ErrorFingerprintTest, WithoutFramesTheMessageShapeDecides) {
  StackTrace empty;
  EXPECT_EQ(ErrorFingerprint("Timeout", "request 42 took 3001 ms", empty),
            ErrorFingerprint("Timeout", "request 7 took 12 ms", empty));
  EXPECT_EQ(ErrorFingerprint("E", "object 0xdeadbeef freed", empty),
            ErrorFingerprint("E", "object 0x1234abcd freed", empty));
  EXPECT_NE(ErrorFingerprint("Timeout", "request 42 took 3001 ms", empty),
            ErrorFingerprint("Timeout", "connect 42 refused", empty));
  // "bad" and "cafe" are words, not numbers.
  EXPECT_NE(ErrorFingerprint("E", "bad input", empty), ErrorFingerprint("E", "cafe input", empty));
}

}  // namespace
}  // namespace srclink
