/* The JSON reader the runner uses for CTest's inventory and covmerge for
 * runner manifests: values, escapes, nesting, and every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static struct json *parse(const char *text, struct strbuf *err)
{
	strbuf_init(err);
	return json_parse(text, strlen(text), err);
}

static void test_values(void **state)
{
	(void)state;
	struct strbuf err;
	struct json *j = parse(" {\"a\": [1, -2.5e1, true, false, null], "
			       "\"b\": {\"c\": \"d\"}, \"e\": {}, \"f\": []} ", &err);
	assert_non_null(j);
	assert_int_equal(j->type, J_OBJECT);
	assert_int_equal(j->n, 4);
	const struct json *a = json_get(j, "a");
	assert_non_null(a);
	assert_int_equal(a->type, J_ARRAY);
	assert_int_equal(a->n, 5);
	assert_true(a->items[0].type == J_NUMBER && a->items[0].number == 1);
	assert_true(a->items[1].number == -25);
	assert_true(a->items[2].type == J_BOOL && a->items[2].number == 1);
	assert_true(a->items[3].type == J_BOOL && a->items[3].number == 0);
	assert_int_equal(a->items[4].type, J_NULL);
	const struct json *c = json_get(json_get(j, "b"), "c");
	assert_string_equal(c->string, "d");
	assert_int_equal(json_get(j, "e")->n, 0);
	assert_int_equal(json_get(j, "f")->type, J_ARRAY);
	assert_null(json_get(j, "missing"));
	assert_null(json_get(a, "a")); /* not an object */
	assert_null(json_get(NULL, "a"));
	json_free(j);
	strbuf_release(&err);
}

static void test_escapes(void **state)
{
	(void)state;
	struct strbuf err;
	struct json *j = parse("\"q\\\" b\\\\ s\\/ n\\n t\\t r\\r b\\b f\\f "
			       "\\u0041 \\u00e9 \\u20ac \\ud83d\"", &err);
	assert_non_null(j);
	assert_int_equal(j->type, J_STRING);
	/* \ud83d alone is a lone surrogate: kept as its 3-byte encoding */
	assert_string_equal(j->string, "q\" b\\ s/ n\n t\t r\r b\b f\f "
				       "A \xc3\xa9 \xe2\x82\xac \xed\xa0\xbd");
	json_free(j);
	strbuf_release(&err);
}

static void expect_error(const char *text, const char *cause)
{
	struct strbuf err;
	struct json *j = parse(text, &err);
	assert_null(j);
	if (!strstr(err.buf, cause))
		fail_msg("\"%s\": error \"%s\", expected \"%s\"", text, err.buf, cause);
	strbuf_release(&err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "unexpected end");
	expect_error("\"abc", "unterminated string");
	expect_error("\"\\u12g4\"", "bad \\u escape");
	expect_error("{\"a\" 1}", "expected ':'");
	expect_error("{1: 2}", "expected a string");
	expect_error("[1 2]", "expected ',' or ']'");
	expect_error("{\"a\": 1 \"b\"}", "expected ',' or '}'");
	expect_error("[1] x", "trailing characters");
	expect_error("@", "unexpected character");
	expect_error("-", "bad number");
	expect_error("[tru]", "unexpected character");
	/* errors say where */
	struct strbuf err;
	assert_null(parse("[1, ?]", &err));
	assert_string_equal(err.buf, "unexpected character at byte 4");
	strbuf_release(&err);
}

static void test_depth(void **state)
{
	(void)state;
	char deep[1000];
	memset(deep, '[', 300);
	deep[300] = '\0';
	expect_error(deep, "nested too deeply");
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	deep[200] = '\0';
	struct strbuf err;
	struct json *j = parse(deep, &err);
	assert_non_null(j);
	json_free(j);
	strbuf_release(&err);
	json_free(NULL);
}

/* Found by tests/fuzz/fuzz_json: a keyword cut by the end of the input
 * was compared past it. Each text is parsed from an exact-size heap copy,
 * so AddressSanitizer sees such a read. */
static void expect_error_exact(const char *text, size_t len, const char *cause)
{
	char *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	struct strbuf err;
	strbuf_init(&err);
	struct json *j = json_parse(copy, len, &err);
	free(copy);
	assert_null(j);
	if (!strstr(err.buf, cause))
		fail_msg("error \"%s\", expected \"%s\"", err.buf, cause);
	strbuf_release(&err);
}

static void test_cut_and_control(void **state)
{
	(void)state;
	expect_error_exact("t", 1, "unexpected character at byte 0");
	expect_error_exact("[fals", 5, "unexpected character at byte 1");
	expect_error_exact("nul", 3, "unexpected character at byte 0");
	expect_error_exact("1", 0, "unexpected end");
	/* a NUL or a raw control character in a string would cut it short
	 * or break the reports it goes into */
	expect_error_exact("\"gw0\0/..\"", 9, "control character in a string at byte 4");
	expect_error_exact("\"a\nb\"", 5, "control character in a string at byte 2");
	expect_error("\"a\\u0000b\"", "\\u0000 in a string");
	expect_error_exact("[1\0]", 4, "expected ',' or ']' at byte 2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_cut_and_control),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
