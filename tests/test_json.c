/* test_json.c — the one JSON writer (embview/json.h): escaping, UTF-8 that
 * is not (Latin-1 metadata made the server's replies invalid JSON), numbers
 * JSON lacks, and a failed allocation remembered. */
#include <math.h>

#include "core/internal.h"
#include "embview/json.h"
#include "test.h"

static char *str_of(const char *s) {
  static char out[256];
  ev_json b = {0};
  ev_json_str(&b, s);
  snprintf(out, sizeof out, "%s", b.failed ? "(failed)" : b.p);
  ev_json_clear(&b);
  return out;
}

TEST(strings_are_escaped_once) {
  ASSERT_STR_EQ(str_of("plain"), "\"plain\"");
  ASSERT_STR_EQ(str_of("a\"b\\c"), "\"a\\\"b\\\\c\"");
  ASSERT_STR_EQ(str_of("tab\there\nnew"), "\"tab\\u0009here\\u000anew\"");
  ASSERT_STR_EQ(str_of(NULL), "null");
  ASSERT_STR_EQ(str_of(""), "\"\"");
}

TEST(utf8_kept_other_bytes_replaced) {
  /* well-formed: 2-, 3- and 4-byte sequences stay as they are */
  ASSERT_STR_EQ(str_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  /* Latin-1, a cut sequence at the end, an overlong '/', a surrogate, above U+10FFFF, a stray continuation */
  ASSERT_STR_EQ(str_of("caf\xe9"), "\"caf\\ufffd\"");
  ASSERT_STR_EQ(str_of("x\xe2\x82"), "\"x\\ufffd\\ufffd\"");
  ASSERT_STR_EQ(str_of("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
  ASSERT_STR_EQ(str_of("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
  ASSERT_STR_EQ(str_of("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
  ASSERT_STR_EQ(str_of("\x80z"), "\"\\ufffdz\"");
}

TEST(numbers_json_lacks_are_null) {
  ev_json b = {0};
  ev_json_num(&b, 0.5);
  ev_json_put(&b, ",", 1);
  ev_json_num(&b, NAN);
  ev_json_put(&b, ",", 1);
  ev_json_num(&b, -INFINITY);
  ASSERT_STR_EQ(b.p, "0.5,null,null");
  ev_json_clear(&b);
}

TEST(long_pieces_and_failed_allocations) {
  ev_json b = {0};
  char big[3000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  ev_json_printf(&b, "[%s]", big); /* longer than the writer's stack buffer */
  ASSERT_EQ(b.len, sizeof big + 1);
  ev_json_clear(&b);
  ev__alloc_fail_at(1); /* the first allocation fails: the buffer says so and stays failed */
  ev_json_put(&b, "abc", 3);
  ev__alloc_fail_at(0);
  ASSERT_TRUE(b.failed);
  ev_json_put(&b, "def", 3);
  ASSERT_TRUE(b.failed && b.len == 0);
  ev_json_clear(&b);
}

/* _clear, not _free: the struct is the caller's, zeroed for reuse (also
 * after a failure), and NULL is allowed. */
TEST(clear_zeroes_for_reuse) {
  ev_json b = {0};
  ev_json_put(&b, "[1]", 3);
  ev_json_clear(&b);
  ASSERT_TRUE(b.p == NULL && b.len == 0 && b.cap == 0 && !b.failed);
  ev__alloc_fail_at(1);
  ev_json_put(&b, "x", 1);
  ev__alloc_fail_at(0);
  ASSERT_TRUE(b.failed);
  ev_json_clear(&b);
  ASSERT_TRUE(!b.failed);
  ev_json_put(&b, "[2]", 3);
  ASSERT_STR_EQ(b.p, "[2]");
  ev_json_clear(&b);
  ev_json_clear(&b); /* twice is fine */
  ev_json_clear(NULL);
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"strings_are_escaped_once", strings_are_escaped_once},
      {"utf8_kept_other_bytes_replaced", utf8_kept_other_bytes_replaced},
      {"numbers_json_lacks_are_null", numbers_json_lacks_are_null},
      {"long_pieces_and_failed_allocations", long_pieces_and_failed_allocations},
      {"clear_zeroes_for_reuse", clear_zeroes_for_reuse},
  };
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
