/* UTF-8 decoding and the printable form of names (covmerge/utf8.c):
 * what is valid, what becomes '?', and the XML and JSON escapes built on
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "utf8.h"
#include "xml.h"

static void test_decode(void **state)
{
	(void)state;
	unsigned cp = 0;
	assert_int_equal(utf8_decode("A", &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\xc3\xa9", &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(utf8_decode("\xe2\x82\xac", &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", &cp), 4);
	assert_int_equal(cp, 0x1f600);
	static const char *const bad[] = {
		"\x80", "\xbf", "\xe9.c", "\xc3", "\xe2\x82", "\xf0\x9f\x98",
		"\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", /* overlong */
		"\xed\xa0\x80",                                 /* a surrogate */
		"\xf4\x90\x80\x80",                             /* past U+10FFFF */
		"\xf8\x88\x80\x80\x80", "\xff", "\xfe",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (utf8_decode(bad[i], &cp) != 0)
			fail_msg("case %zu decoded", i);
}

static void expect_printable(const char *in, const char *want)
{
	char *got = utf8_printable(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_printable(void **state)
{
	(void)state;
	expect_printable("src/caf\xc3\xa9.c", "src/caf\xc3\xa9.c");
	expect_printable("caf\xe9.c", "caf?.c");
	expect_printable("new\nline\r.c", "new?line?.c");
	expect_printable("esc\x1b[31mred.c", "esc?[31mred.c");
	expect_printable("del\x7f c1\xc2\x9b.c", "del? c1?.c");
	expect_printable("tab\t.c", "tab?.c");
	expect_printable("cut\xe2\x82", "cut??");
	expect_printable("", "");
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width(""), 0);
	assert_int_equal(utf8_width("plain.c"), 7);
	/* "dir ü/ünïcöde.c": 15 characters in 19 bytes */
	const char *u = "dir \xc3\xbc/\xc3\xbc" "n\xc3\xaf" "c\xc3\xb6" "de.c";
	assert_int_equal(utf8_width(u), 15);
	assert_int_equal(utf8_width(UTF8_REPLACEMENT "\xf0\x9f\x98\x80"), 2);
	struct strbuf sb;
	strbuf_init(&sb);
	utf8_add_padded(&sb, u, 17);
	assert_int_equal(sb.len, 19 + 2);
	assert_string_equal(sb.buf + 19, "  ");
	strbuf_reset(&sb);
	utf8_add_padded(&sb, "longer", 3);
	assert_string_equal(sb.buf, "longer");
	strbuf_release(&sb);
}

static void test_escapes(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	xml_add_escaped(&sb, "a\xe9<\n\x1b\xef\xbf\xbe\xc3\xa9");
	assert_string_equal(sb.buf, "a" UTF8_REPLACEMENT "&lt;&#10;?" UTF8_REPLACEMENT
			    "\xc3\xa9");
	strbuf_reset(&sb);
	json_add_string(&sb, "a\xe9\"\n\x1b\x7f\xc3\xa9");
	assert_string_equal(sb.buf, "\"a\\ufffd\\\"\\u000a\\u001b\\u007f\xc3\xa9\"");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
