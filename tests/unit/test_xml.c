/* The XML escaper (common/xml.c) as the HTML report uses it: source text
 * of any bytes, by length, so that no markup survives and every byte is
 * accounted for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"
#include "xml.h"

static char *escaped(const char *s, size_t len)
{
	struct strbuf sb;
	strbuf_init(&sb);
	xml_add_escaped_len(&sb, s, len);
	return strbuf_detach(&sb, NULL);
}

static void expect(const char *s, size_t len, const char *want)
{
	char *got = escaped(s, len);
	assert_string_equal(got, want);
	free(got);
}

static void test_markup(void **state)
{
	(void)state;
	const char *s = "</script><script>alert(1)</script>";
	expect(s, strlen(s), "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
	s = "<img src=x onerror=alert(1)>";
	expect(s, strlen(s), "&lt;img src=x onerror=alert(1)&gt;");
	/* every character that could end an attribute value or start markup */
	expect("a&b<c>\"d'e", 10, "a&amp;b&lt;c&gt;&quot;d&apos;e");
	/* plain ASCII runs are copied as they are, tabs kept as references */
	expect("\tif (x) {", 9, "&#9;if (x) {");
}

static void test_length(void **state)
{
	(void)state;
	/* only len bytes, NULs included */
	expect("abc<def", 4, "abc&lt;");
	expect("a\0<b", 4, "a?&lt;b");
	expect("", 0, "");
	/* a sequence cut by the end of the range is not UTF-8 */
	expect("x\xc3\xa9", 2, "x" UTF8_REPLACEMENT);
	expect("x\xe2\x82\xac", 4, "x\xe2\x82\xac");
	expect("\xe2\x82\xac", 2, UTF8_REPLACEMENT UTF8_REPLACEMENT);
	/* the same answer as the NUL-terminated form */
	const char *t = "a\xe9<\n\x1b\xef\xbf\xbe\xc3\xa9\x7f";
	char *a = escaped(t, strlen(t));
	struct strbuf sb;
	strbuf_init(&sb);
	xml_add_escaped(&sb, t);
	assert_string_equal(a, sb.buf);
	assert_string_equal(a, "a" UTF8_REPLACEMENT "&lt;&#10;?" UTF8_REPLACEMENT
			    "\xc3\xa9\x7f");
	strbuf_release(&sb);
	free(a);
}

/* Whatever the bytes, no '<' and no '>' reach the output, and no '"' or
 * '\'' that would end an attribute. */
static void test_any_bytes(void **state)
{
	(void)state;
	unsigned char buf[512];
	uint32_t x = 12345;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = (unsigned char)(x >> 16);
		}
		size_t len = (size_t)round * 2 % sizeof(buf);
		char *out = escaped((const char *)buf, len);
		assert_null(strpbrk(out, "<>\"'"));
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_any_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
