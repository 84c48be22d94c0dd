/* pdfread.c - run the reading tools over a PDF kept in memory. */
#include "pdfread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bgw_err
pdfbuf_write(void *ud, const unsigned char *buf, size_t n)
{
	pdfbuf *b = ud;

	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2;
		unsigned char *p = realloc(b->data, cap);

		if (p == NULL)
			return BGW_E_NOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, buf, n);
	b->len += n;
	return BGW_OK;
}

void
pdfbuf_free(pdfbuf *b)
{
	free(b->data);
	*b = (pdfbuf){0};
}

bool
pdfread_tools(void)
{
	return system("{ command -v pdftotext && command -v pdffonts && command -v pdftoppm && "
	    "command -v zbarimg && command -v qpdf; } >/dev/null 2>&1") == 0;
}

char *
pdfread_run(const pdfbuf *b, const char *cmd)
{
	char dir[] = "/tmp/bgw-pdfread-XXXXXX", file[64], line[512], *out = NULL;
	size_t len = 0;
	FILE *f, *p;
	size_t n;

	if (mkdtemp(dir) == NULL)
		return NULL;
	snprintf(file, sizeof(file), "%s/doc.pdf", dir);
	if ((f = fopen(file, "wb")) == NULL)
		return NULL;
	fwrite(b->data, 1, b->len, f);
	fclose(f);
	snprintf(line, sizeof(line), "cd '%s' && %s", dir, cmd);
	if ((p = popen(line, "r")) != NULL) {
		char chunk[4096];

		while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
			char *q = realloc(out, len + n + 1);

			if (q == NULL)
				break;
			out = q;
			memcpy(out + len, chunk, n);
			len += n;
			out[len] = '\0';
		}
		pclose(p);
	}
	snprintf(line, sizeof(line), "rm -rf '%s'", dir);
	if (system(line) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return out != NULL ? out : strdup("");
}

int
pdfread_count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* What fontconfig and cairo keep for the process's life even after pdf_release_fonts (a
 * few static tables): not ours to free.  LeakSanitizer reads this hook at exit. */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libcairo.so\n";
}
