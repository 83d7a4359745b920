/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the bounded buffer, the allocation seam and error messages. */
#include <string.h>

#include "support.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "vec.h"

static void buf_grows_up_to_its_maximum(void **state)
{
	nsw_buf b;

	(void)state;
	nsw_buf_init(&b, 10);
	assert_int_equal(nsw_buf_puts(&b, "hello"), NSW_OK);
	assert_int_equal(nsw_buf_puts(&b, "world"), NSW_OK);
	assert_string_equal(b.ptr, "helloworld");
	assert_int_equal(nsw_buf_putc(&b, '!'), NSW_ELIMIT);
	assert_int_equal(b.len, 10);
	nsw_buf_dispose(&b);
	assert_null(b.ptr);
}

static void buf_printf_formats(void **state)
{
	nsw_buf b;

	(void)state;
	nsw_buf_init(&b, 100);
	assert_int_equal(nsw_buf_printf(&b, "%s:%d", "line", 42), NSW_OK);
	assert_string_equal(b.ptr, "line:42");
	assert_int_equal(nsw_buf_printf(&b, "%0200d", 1), NSW_ELIMIT);
	nsw_buf_dispose(&b);
}

static void alloc_fault_injection_fails_nth(void **state)
{
	void *a, *b;

	(void)state;
	nsw__alloc_fail_after(2, 0);
	a = nsw__malloc(8);
	b = nsw__malloc(8);
	assert_non_null(a);
	assert_null(b);
	b = nsw__malloc(8);
	assert_non_null(b);
	nsw__free(a);
	nsw__free(b);
}

static void alloc_refuses_overflowing_products(void **state)
{
	(void)state;
	assert_null(nsw__calloc((size_t)-1 / 2, 4));
	assert_null(nsw__reallocarray(NULL, (size_t)-1 / 8, 16));
}

static void vec_grows_zeroed_up_to_its_maximum(void **state)
{
	nsw_vec v;
	int *slot;

	(void)state;
	nsw_vec_init(&v, sizeof(int), 20);
	for (int i = 0; i < 20; i++) {
		slot = nsw_vec_push(&v);
		assert_non_null(slot);
		assert_int_equal(*slot, 0);
		*slot = i;
	}
	assert_null(nsw_vec_push(&v));
	assert_int_equal(v.count, 20);
	assert_int_equal(*NSW_VEC_AT(v, int, 19), 19);
	nsw_vec_dispose(&v);
	assert_null(v.data);
	assert_int_equal(v.count, 0);
}

static void error_message_is_kept_per_thread(void **state)
{
	(void)state;
	assert_int_equal(nsw_error_set(NSW_EFORMAT, "%s:%d: bad", "x.txt", 3),
			 NSW_EFORMAT);
	assert_string_equal(nsw_error_last(), "x.txt:3: bad");
	assert_int_equal(nsw_error_last_code(), NSW_EFORMAT);
	nsw_error_prefix(NSW_EFORMAT, "list %s", "a");
	assert_string_equal(nsw_error_last(), "list a: x.txt:3: bad");
	nsw_error_clear();
	assert_string_equal(nsw_error_last(), "");
	assert_string_equal(nsw_error_name(NSW_ELIMIT), "ELIMIT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_up_to_its_maximum),
		cmocka_unit_test(buf_printf_formats),
		cmocka_unit_test(alloc_fault_injection_fails_nth),
		cmocka_unit_test(alloc_refuses_overflowing_products),
		cmocka_unit_test(vec_grows_zeroed_up_to_its_maximum),
		cmocka_unit_test(error_message_is_kept_per_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
