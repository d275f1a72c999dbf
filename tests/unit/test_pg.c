/* Unit tests: PostgreSQL targets (no server needed): vecsh's keys taken out
 * of a URI or of libpq's key=value words and percent-decoded, libpq's own
 * kept for it, the password hidden in what is shown, the server named
 * without vecsh's keys; and the vector text pgvector reads, exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pg/internal.h"

static void uri_keys(void **state)
{
	(void)state;
	vs_pg_target t;
	vs_error err;
	assert_int_equal(vs_pg_target_parse("postgres://me:s3cret@db.example.org:5433/shop?sslmode=require&table=public.items"
	                                    "&vector=emb&label=title&where=lang%3Den&id=item_id&exact=1",
	                                    &t, &err),
	                 0);
	assert_string_equal(t.conninfo, "postgres://me:s3cret@db.example.org:5433/shop?sslmode=require");
	assert_string_equal(t.shown, "postgres://me:***@db.example.org:5433/shop?sslmode=require&table=public.items"
	                             "&vector=emb&label=title&where=lang%3Den&id=item_id&exact=1");
	assert_string_equal(t.server, "postgres://me:***@db.example.org:5433/shop");
	assert_string_equal(t.key[VS_PG_TABLE], "public.items");
	assert_string_equal(t.key[VS_PG_VECTOR], "emb");
	assert_string_equal(t.key[VS_PG_LABEL], "title");
	assert_string_equal(t.key[VS_PG_WHERE], "lang=en");
	assert_string_equal(t.key[VS_PG_ID], "item_id");
	assert_string_equal(t.key[VS_PG_EXACT], "1");
	vs_pg_target_free(&t);
	/* a password parameter, no user part, a table name made of SQL */
	assert_int_equal(vs_pg_target_parse("postgresql://host/db?password=pw&table=x%22%3B%20DROP%20TABLE%20t%3B--", &t,
	                                    &err),
	                 0);
	assert_string_equal(t.conninfo, "postgresql://host/db?password=pw");
	assert_null(strstr(t.shown, "pw&"));
	assert_non_null(strstr(t.shown, "password=***"));
	assert_string_equal(t.key[VS_PG_TABLE], "x\"; DROP TABLE t;--");
	assert_null(t.key[VS_PG_VECTOR]);
	vs_pg_target_free(&t);
}

static void key_value_words(void **state)
{
	(void)state;
	vs_pg_target t;
	vs_error err;
	assert_int_equal(vs_pg_target_parse("host=localhost port=5432 password='it''s' dbname=shop table=items "
	                                    "label='my title' where=lang=en",
	                                    &t, &err),
	                 -1); /* '' is not libpq's escape: the value ends there */
	assert_int_equal(vs_pg_target_parse("host=localhost port=5432 password='it\\'s' dbname=shop table=items "
	                                    "label='my title' where=lang=en",
	                                    &t, &err),
	                 0);
	assert_string_equal(t.conninfo, "host='localhost' port='5432' password='it\\'s' dbname='shop' ");
	assert_string_equal(t.shown, "host=localhost port=5432 password=*** dbname=shop table=items label='my title' "
	                             "where=lang=en");
	assert_string_equal(t.server, "host=localhost port=5432 password=*** dbname=shop");
	assert_string_equal(t.key[VS_PG_LABEL], "my title");
	assert_string_equal(t.key[VS_PG_WHERE], "lang=en");
	vs_pg_target_free(&t);
	assert_int_equal(vs_pg_target_parse("host=localhost table='open", &t, &err), -1);
	assert_non_null(strstr(err.msg, "not closed"));
	assert_int_equal(vs_pg_target_parse("host localhost", &t, &err), -1);
	assert_non_null(strstr(err.msg, "key=value"));
}

static void detected(void **state)
{
	(void)state;
	assert_true(vs_pg_is_target("postgres://h/db?table=t"));
	assert_true(vs_pg_is_target("postgresql://h/db?table=t"));
	assert_true(vs_pg_is_target("host=h dbname=d table=t"));
	assert_false(vs_pg_is_target("vectors.txt"));
	assert_false(vs_pg_is_target("examples/data/glove-demo.txt.gz"));
	assert_false(vs_pg_is_target("a=b.txt"));
}

static void vector_text(void **state)
{
	(void)state;
	float v[4] = {0.1f, -3.4028235e38f, 1.17549435e-38f, 0.33333334f};
	char *t = vs_pg_vector_text(v, 4);
	assert_non_null(t);
	assert_string_equal(t, "[0.100000001,-3.40282347e+38,1.17549435e-38,0.333333343]");
	/* each value reads back as the same float */
	char *p = t + 1;
	for (int i = 0; i < 4; i++) {
		char *end;
		assert_true(strtof(p, &end) == v[i]);
		p = end + 1;
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uri_keys),
		cmocka_unit_test(key_value_words),
		cmocka_unit_test(detected),
		cmocka_unit_test(vector_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
