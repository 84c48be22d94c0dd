/* test_qr.c - the QR writer: symbol size and quiet zone, the function patterns every QR
 * code has (finders, separators, timing), deterministic output, the escaped label, and the
 * refused inputs.  No decoder is available here, so the symbol is read back from the SVG
 * path and checked for its structure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/qr.h"

#define GRID_MAX 200

typedef struct grid {
	int size; /* modules per side, quiet zone included */
	unsigned char m[GRID_MAX][GRID_MAX];
} grid;

static const char *
render(bgw_arena *a, const char *text, const char *label)
{
	html h;
	const char *out;
	size_t len;

	html_init(&h, a);
	assert_int_equal(qr_write_svg(&h, text, label), BGW_OK);
	assert_int_equal(html_finish(&h, &out, &len), BGW_OK);
	return out;
}

/* Read the SVG back into a module grid (the path is "Mx yhNv1h-Nz" runs). */
static void
parse(const char *svg, grid *g)
{
	const char *vb = strstr(svg, "viewBox=\"0 0 "), *d = strstr(svg, " d=\"");
	int w, x, y, n, n2, used;

	memset(g, 0, sizeof(*g));
	assert_non_null(vb);
	assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d %d\"", &g->size, &w), 2);
	assert_int_equal(g->size, w);
	assert_true(g->size > 0 && g->size <= GRID_MAX);
	assert_non_null(d);
	d += 4;
	while (*d != '"') {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used), 4);
		assert_int_equal(n, n2);
		assert_true(n > 0 && x >= 0 && y >= 0 && x + n <= g->size && y < g->size);
		for (int i = 0; i < n; i++) {
			assert_int_equal(g->m[y][x + i], 0); /* runs never overlap */
			g->m[y][x + i] = 1;
		}
		d += used;
	}
}

/* A 7x7 finder at (x, y): dark ring, light ring, dark 3x3 centre. */
static void
assert_finder(const grid *g, int x0, int y0)
{
	for (int y = 0; y < 7; y++)
		for (int x = 0; x < 7; x++) {
			int ring = x < y ? x : y;

			ring = ring < 6 - x ? ring : 6 - x;
			ring = ring < 6 - y ? ring : 6 - y;
			assert_int_equal(g->m[y0 + y][x0 + x], ring == 1 ? 0 : 1);
		}
}

static void
assert_structure(const grid *g)
{
	int q = QR_QUIET_ZONE, w = g->size - 2 * q;

	/* Versions 1..40 are 21..177 modules, in steps of 4. */
	assert_true(w >= 21 && w <= 177 && (w - 21) % 4 == 0);
	for (int y = 0; y < g->size; y++)
		for (int x = 0; x < g->size; x++)
			if (x < q || y < q || x >= q + w || y >= q + w)
				assert_int_equal(g->m[y][x], 0);
	assert_finder(g, q, q);
	assert_finder(g, q + w - 7, q);
	assert_finder(g, q, q + w - 7);
	/* The light separator beside the top-left finder. */
	for (int i = 0; i < 8; i++) {
		assert_int_equal(g->m[q + 7][q + i], 0);
		assert_int_equal(g->m[q + i][q + 7], 0);
	}
	/* Timing patterns: row and column 6 alternate between the finders. */
	for (int i = 8; i < w - 8; i++) {
		assert_int_equal(g->m[q + 6][q + i], i % 2 == 0);
		assert_int_equal(g->m[q + i][q + 6], i % 2 == 0);
	}
}

static void
test_sizes_and_structure(void **state)
{
	static const struct { const char *text; int size; } v[] = {
		{"HELLO", 21 + 2 * QR_QUIET_ZONE},   /* version 1 */
		{"otpauth://totp/Balance%20Gateway:a.user%40example.test?secret="
		    "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Balance%20Gateway&algorithm=SHA1&"
		    "digits=6&period=30", 0},          /* whatever version fits */
	};
	bgw_arena *a = bgw_arena_new();
	grid *g = malloc(sizeof(*g));

	(void)state;
	assert_non_null(g);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		parse(render(a, v[i].text, "QR"), g);
		if (v[i].size != 0)
			assert_int_equal(g->size, v[i].size);
		assert_structure(g);
	}
	/* Longer text needs a larger symbol. */
	{
		grid *g2 = malloc(sizeof(*g2));

		assert_non_null(g2);
		parse(render(a, v[0].text, "QR"), g);
		parse(render(a, v[1].text, "QR"), g2);
		assert_true(g2->size > g->size);
		free(g2);
	}
	free(g);
	bgw_arena_free(a);
}

static void
test_deterministic(void **state)
{
	bgw_arena *a = bgw_arena_new();
	const char *one = render(a, "otpauth://totp/x?secret=ABCDEF", "QR");
	const char *two = render(a, "otpauth://totp/x?secret=ABCDEF", "QR");
	const char *other = render(a, "otpauth://totp/x?secret=ABCDEG", "QR");

	(void)state;
	assert_string_equal(one, two);
	assert_string_not_equal(one, other);
	bgw_arena_free(a);
}

static void
test_markup_is_safe(void **state)
{
	bgw_arena *a = bgw_arena_new();
	const char *svg = render(a, "x", "<script>\"q\"");

	(void)state;
	assert_non_null(strstr(svg, "aria-label=\"&lt;script&gt;&quot;q&quot;\""));
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "style"));
	assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
	assert_non_null(strstr(svg, "role=\"img\""));
	assert_int_equal(strcmp(svg + strlen(svg) - 6, "</svg>"), 0);
	bgw_arena_free(a);
}

static void
test_refused_inputs(void **state)
{
	bgw_arena *a = bgw_arena_new();
	char *longtext = malloc(QR_TEXT_MAX + 2);
	static const struct { const char *text; bgw_err want; } v[] = {
		{NULL, BGW_E_VALIDATION},
		{"", BGW_E_VALIDATION},
	};
	const char *out;
	size_t len;
	html h;

	(void)state;
	assert_non_null(longtext);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		html_init(&h, a);
		assert_int_equal(qr_write_svg(&h, v[i].text, "QR"), v[i].want);
		assert_int_equal(html_finish(&h, &out, &len), BGW_OK);
		assert_int_equal(len, 0);
	}
	memset(longtext, 'A', QR_TEXT_MAX + 1);
	longtext[QR_TEXT_MAX + 1] = '\0';
	html_init(&h, a);
	assert_int_equal(qr_write_svg(&h, longtext, "QR"), BGW_E_TOO_LARGE);
	assert_int_equal(html_finish(&h, &out, &len), BGW_OK);
	assert_int_equal(len, 0);
	/* Exactly the limit still fits (a QR code at level M holds far more bytes). */
	longtext[QR_TEXT_MAX] = '\0';
	html_init(&h, a);
	assert_int_equal(qr_write_svg(&h, longtext, "QR"), BGW_OK);
	free(longtext);
	bgw_arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_and_structure),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_markup_is_safe),
		cmocka_unit_test(test_refused_inputs),
	};

	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
