/* xmlio.c - XML import (hardened libxml2 parse, XSD validation) and streaming export. */
#include "records/xmlio.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "core/log.h"
#include "core/utf8.h"

/* NONET: no network even if something asks.  BIG_LINES: true line numbers past 65535.
 * Never NOENT, DTDLOAD, DTDATTR or HUGE. */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | \
	XML_PARSE_NOWARNING)
#define NS_BRACED "{" XMLIO_NAMESPACE "}"
#define MESSAGE_MAX 300

static xmlSchemaPtr schema;
static char *schema_path;

/* libxml2's generic error channel prints to stderr (I/O errors, a missing schema file):
 * everything worth knowing reaches us through the structured handlers or return values. */
static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx, (void)msg;
}

static void
init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, silent);
}

/* --- the schema --------------------------------------------------------------------- */

static void
log_schema_error(void *ud, xmlErrorPtr err)
{
	(void)ud;
	bgw_log(BGW_LOG_ERROR, "could not compile schema: line %d: %s", err->line,
	    err->message != NULL ? err->message : "?");
}

bgw_err
xmlio_schema_load(const char *path)
{
	xmlSchemaParserCtxtPtr pctxt;
	xmlSchemaPtr s;
	char *copy;

	if (path == NULL)
		return BGW_E_INTERNAL;
	if (schema != NULL && strcmp(schema_path, path) == 0)
		return BGW_OK;
	init();
	pctxt = xmlSchemaNewParserCtxt(path);
	if (pctxt == NULL)
		return BGW_E_NOMEM;
	xmlSchemaSetParserStructuredErrors(pctxt, log_schema_error, NULL);
	s = xmlSchemaParse(pctxt);
	xmlSchemaFreeParserCtxt(pctxt);
	if (s == NULL) {
		bgw_log(BGW_LOG_ERROR, "could not load schema %s", path);
		return BGW_E_INTERNAL;
	}
	copy = strdup(path);
	if (copy == NULL) {
		xmlSchemaFree(s);
		return BGW_E_NOMEM;
	}
	if (schema != NULL)
		xmlSchemaFree(schema);
	free(schema_path);
	schema = s;
	schema_path = copy;
	return BGW_OK;
}

void
xmlio_cleanup(void)
{
	if (schema != NULL)
		xmlSchemaFree(schema);
	schema = NULL;
	free(schema_path);
	schema_path = NULL;
	xmlCleanupParser();
}

/* --- parsing ------------------------------------------------------------------------ */

struct parse_state {
	int depth;
	bool dtd;           /* a DOCTYPE was seen: parsing stopped there */
	bool too_deep;
	int err_line;       /* the first fatal error */
	char err_msg[MESSAGE_MAX];
};

static void
refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	(void)name, (void)external_id, (void)system_id;
	st->dtd = true;
	xmlStopParser(ctxt);
}

static void
start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
    int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
    const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	if (++st->depth > XMLIO_MAX_DEPTH) {
		st->too_deep = true;
		xmlStopParser(ctxt);
		return;
	}
	xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
}

static void
end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	st->depth--;
	xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

/* Copy msg without libxml2's trailing newline and with the namespace braces removed. */
static void
clean_message(char *out, size_t cap, const char *msg)
{
	size_t n = 0, nslen = strlen(NS_BRACED);

	if (msg == NULL)
		msg = "malformed XML";
	while (*msg != '\0' && n + 1 < cap) {
		if (strncmp(msg, NS_BRACED, nslen) == 0) {
			msg += nslen;
			continue;
		}
		out[n++] = *msg == '\n' ? ' ' : *msg;
		msg++;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static void
parse_error(void *ud, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = ud;
	struct parse_state *st = ctxt->_private;

	if (err->level < XML_ERR_ERROR || st->err_line != 0)
		return;
	st->err_line = err->line > 0 ? err->line : 1;
	clean_message(st->err_msg, sizeof(st->err_msg), err->message);
}

/* Parse buf into a tree, or NULL with *e set and an error recorded in out. */
static xmlDocPtr
parse(bgw_arena *a, const char *buf, size_t n, import_result *out, bgw_err *e)
{
	struct parse_state st = {0};
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	bool ok;
	const char *msg;

	ctxt = xmlCreateMemoryParserCtxt(buf, (int)n);
	if (ctxt == NULL) {
		*e = BGW_E_NOMEM;
		return NULL;
	}
	xmlCtxtUseOptions(ctxt, PARSE_OPTIONS);
	ctxt->_private = &st;
	ctxt->sax->internalSubset = refuse_dtd;
	ctxt->sax->startElementNs = start_element;
	ctxt->sax->endElementNs = end_element;
	ctxt->sax->serror = parse_error;
	ctxt->userData = ctxt;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ok = ctxt->wellFormed && !st.dtd && !st.too_deep && doc != NULL;
	ctxt->myDoc = NULL;
	xmlFreeParserCtxt(ctxt);
	if (ok)
		return doc;
	xmlFreeDoc(doc);
	*e = BGW_E_BAD_REQUEST;
	if (st.dtd)
		msg = "a DOCTYPE is not accepted";
	else if (st.too_deep)
		msg = "elements nested too deeply";
	else
		msg = st.err_msg[0] != '\0' ? st.err_msg : "malformed XML";
	if (import_error_add(a, out, st.err_line, NULL, msg) != BGW_OK)
		*e = BGW_E_NOMEM;
	return NULL;
}

/* --- validation --------------------------------------------------------------------- */

struct valid_state {
	bgw_arena *a;
	import_result *out;
	bool nomem;
};

static void
valid_error(void *ud, xmlErrorPtr err)
{
	struct valid_state *vs = ud;
	const char *column = NULL;
	char msg[MESSAGE_MAX];
	xmlNodePtr node = err->node;

	if (err->level < XML_ERR_ERROR)
		return;
	if (node != NULL && node->type == XML_ELEMENT_NODE)
		column = bgw_arena_strdup(vs->a, (const char *)node->name);
	clean_message(msg, sizeof(msg), err->message);
	if (import_error_add(vs->a, vs->out, err->line, column, msg) != BGW_OK)
		vs->nomem = true;
}

static bgw_err
validate(bgw_arena *a, xmlDocPtr doc, import_result *out)
{
	struct valid_state vs = {a, out, false};
	xmlSchemaValidCtxtPtr vctxt;
	int rc;

	vctxt = xmlSchemaNewValidCtxt(schema);
	if (vctxt == NULL)
		return BGW_E_NOMEM;
	xmlSchemaSetValidStructuredErrors(vctxt, valid_error, &vs);
	rc = xmlSchemaValidateDoc(vctxt, doc);
	xmlSchemaFreeValidCtxt(vctxt);
	if (vs.nomem)
		return BGW_E_NOMEM;
	if (rc == 0)
		return BGW_OK;
	if (out->nerrors == 0 && import_error_add(a, out, 0, NULL, "not valid") != BGW_OK)
		return BGW_E_NOMEM;
	return rc > 0 ? BGW_E_VALIDATION : BGW_E_INTERNAL;
}

/* --- the row model ------------------------------------------------------------------ */

static bool
is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static xmlNodePtr
first_element(xmlNodePtr n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static xmlNodePtr
next_element(xmlNodePtr n)
{
	return first_element(n->next);
}

/* The text of element n, an arena copy; "" on out of memory is never returned: NULL. */
static const char *
text(bgw_arena *a, xmlNodePtr n)
{
	xmlChar *s = xmlNodeGetContent(n);
	char *copy;

	if (s == NULL)
		return bgw_arena_strdup(a, "");
	copy = bgw_arena_strdup(a, (const char *)s);
	xmlFree(s);
	return copy;
}

static int
line_of(xmlNodePtr n)
{
	long l = xmlGetLineNo(n);

	return l > 0 && l <= INT_MAX ? (int)l : 0;
}

/* The schema has checked the shape; this walks it in schema order. */
static bgw_err
build(bgw_arena *a, xmlDocPtr doc, import_result *out)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), cn, k, it;
	size_t nconf = 0, nitems = 0, i;

	for (cn = first_element(root->children); cn != NULL; cn = next_element(cn)) {
		nconf++;
		for (k = first_element(cn->children); k != NULL; k = next_element(k))
			if (is(k, "items"))
				for (it = first_element(k->children); it != NULL; it = next_element(it))
					nitems++;
	}
	if (nconf > IMPORT_MAX_CONFIRMATIONS || nitems > IMPORT_MAX_ITEMS) {
		if (import_error_add(a, out, 0, NULL, nconf > IMPORT_MAX_CONFIRMATIONS ?
		    "too many confirmations (at most 10000)" :
		    "too many items (at most 100000)") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_TOO_LARGE;
	}
	out->confirmations = bgw_arena_calloc(a, nconf, sizeof(*out->confirmations));
	if (out->confirmations == NULL)
		return BGW_E_NOMEM;
	out->nconfirmations = nconf;
	out->nitems = nitems;
	i = 0;
	for (cn = first_element(root->children); cn != NULL; cn = next_element(cn), i++) {
		import_confirmation *c = &out->confirmations[i];

		c->row = line_of(cn);
		for (k = first_element(cn->children); k != NULL; k = next_element(k)) {
			if (is(k, "type")) {
				c->type = text(a, k);
			} else if (is(k, "form")) {
				c->form = text(a, k);
			} else if (is(k, "respondent")) {
				xmlNodePtr r;

				for (r = first_element(k->children); r != NULL; r = next_element(r)) {
					if (is(r, "organization"))
						c->respondent_org = text(a, r);
					else if (is(r, "email"))
						c->respondent_email = text(a, r);
					else if (is(r, "name"))
						c->respondent_name = text(a, r);
					else if (is(r, "locale"))
						c->respondent_locale = text(a, r);
				}
			} else if (is(k, "as_of")) {
				c->as_of = text(a, k);
			} else if (is(k, "due_date")) {
				c->due_date = text(a, k);
			} else if (is(k, "items")) {
				size_t m = 0;

				for (it = first_element(k->children); it != NULL; it = next_element(it))
					m++;
				c->items = bgw_arena_calloc(a, m, sizeof(*c->items));
				if (c->items == NULL)
					return BGW_E_NOMEM;
				for (it = first_element(k->children); it != NULL; it = next_element(it)) {
					import_item *item = &c->items[c->nitems++];
					xmlNodePtr f;

					item->row = line_of(it);
					for (f = first_element(it->children); f != NULL; f = next_element(f)) {
						if (is(f, "label"))
							item->label = text(a, f);
						else if (is(f, "reference"))
							item->reference = text(a, f);
						else if (is(f, "currency"))
							item->currency = text(a, f);
						else if (is(f, "amount"))
							item->amount = text(a, f);
					}
				}
			}
		}
		if (import_check_confirmation(a, out, c) != BGW_OK)
			return BGW_E_NOMEM;
	}
	return BGW_OK;
}

bgw_err
xmlio_import(bgw_arena *a, const char *buf, size_t n, const char *xsd_path,
    import_result *out)
{
	xmlDocPtr doc;
	bgw_err e;

	memset(out, 0, sizeof(*out));
	if (n > XMLIO_MAX_BYTES || n > INT_MAX) {
		if (import_error_add(a, out, 0, NULL, "file too large") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_TOO_LARGE;
	}
	if ((e = xmlio_schema_load(xsd_path)) != BGW_OK)
		return e;
	if (n == 0) {
		if (import_error_add(a, out, 0, NULL, "empty file") != BGW_OK)
			return BGW_E_NOMEM;
		return BGW_E_BAD_REQUEST;
	}
	doc = parse(a, buf, n, out, &e);
	if (doc == NULL)
		return e;
	e = validate(a, doc, out);
	if (e == BGW_OK)
		e = build(a, doc, out);
	xmlFreeDoc(doc);
	if (e == BGW_OK && out->nerrors > 0)
		e = BGW_E_VALIDATION;
	return e;
}

/* --- export ------------------------------------------------------------------------- */

struct xmlio_writer {
	xmlTextWriterPtr tw;
	bgw_sink sink;
	void *ud;
	bgw_err err;
};

static int
write_cb(void *ctx, const char *buf, int len)
{
	xmlio_writer *w = ctx;

	if (w->err == BGW_OK && len > 0)
		w->err = w->sink(w->ud, buf, (size_t)len);
	return w->err == BGW_OK ? len : -1;
}

static int
close_cb(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
free_writer(void *arg)
{
	xmlio_writer *w = arg;

	if (w->tw != NULL)
		xmlFreeTextWriter(w->tw);
	w->tw = NULL;
}

/* The writer's error after a libxml2 call that returned rc. */
static bgw_err
check(xmlio_writer *w, int rc)
{
	if (w->err == BGW_OK && rc < 0)
		w->err = BGW_E_NOMEM; /* libxml2 failed without a sink error: allocation */
	return w->err;
}

bgw_err
xmlio_export_begin(bgw_arena *a, bgw_sink sink, void *ud, const char *project,
    const char *exported_at, xmlio_writer **out)
{
	xmlOutputBufferPtr ob;
	xmlio_writer *w;

	*out = NULL;
	init();
	w = bgw_arena_alloc(a, sizeof(*w));
	if (w == NULL)
		return BGW_E_NOMEM;
	w->sink = sink;
	w->ud = ud;
	ob = xmlOutputBufferCreateIO(write_cb, close_cb, w, NULL);
	if (ob == NULL)
		return BGW_E_NOMEM;
	w->tw = xmlNewTextWriter(ob); /* owns ob from here, also on failure */
	if (w->tw == NULL)
		return BGW_E_NOMEM;
	if (bgw_arena_on_reset(a, free_writer, w) != 0)
		return BGW_E_NOMEM;
	xmlTextWriterSetIndent(w->tw, 1);
	xmlTextWriterSetIndentString(w->tw, BAD_CAST "  ");
	check(w, xmlTextWriterStartDocument(w->tw, "1.0", "UTF-8", NULL));
	check(w, xmlTextWriterStartElementNS(w->tw, NULL, BAD_CAST "confirmations",
	    BAD_CAST XMLIO_NAMESPACE));
	if (project != NULL)
		check(w, xmlTextWriterWriteAttribute(w->tw, BAD_CAST "project", BAD_CAST project));
	if (exported_at != NULL)
		check(w, xmlTextWriterWriteAttribute(w->tw, BAD_CAST "exported_at",
		    BAD_CAST exported_at));
	if (w->err == BGW_OK)
		*out = w;
	return w->err;
}

/* Everything written must be text XML can carry: checked before any of it is written. */
static bool
fit(const char *s)
{
	return s == NULL || utf8_valid_text(s, strlen(s));
}

static void
element(xmlio_writer *w, const char *name, const char *value)
{
	if (value != NULL)
		check(w, xmlTextWriterWriteElement(w->tw, BAD_CAST name, BAD_CAST value));
}

static void
start(xmlio_writer *w, const char *name)
{
	check(w, xmlTextWriterStartElement(w->tw, BAD_CAST name));
}

static void
end(xmlio_writer *w)
{
	check(w, xmlTextWriterEndElement(w->tw));
}

static void
attribute(xmlio_writer *w, const char *name, const char *value)
{
	if (value != NULL)
		check(w, xmlTextWriterWriteAttribute(w->tw, BAD_CAST name, BAD_CAST value));
}

static bool
all_fit(const export_confirmation *ec)
{
	const import_confirmation *c = ec->c;
	size_t i, k;

	if (!fit(ec->id) || !fit(ec->reference) || !fit(ec->status) || !fit(c->type) ||
	    !fit(c->form) || !fit(c->respondent_org) || !fit(c->respondent_email) ||
	    !fit(c->respondent_name) || !fit(c->as_of) || !fit(c->due_date) ||
	    !fit(c->respondent_locale))
		return false;
	for (i = 0; i < c->nitems; i++)
		if (!fit(c->items[i].label) || !fit(c->items[i].reference) ||
		    !fit(c->items[i].currency) || !fit(c->items[i].amount) ||
		    (ec->item_ids != NULL && !fit(ec->item_ids[i])))
			return false;
	for (i = 0; i < ec->nresponses; i++) {
		const export_response *r = &ec->responses[i];

		if (!fit(r->responder_name) || !fit(r->responder_title) ||
		    !fit(r->approver_name) || !fit(r->approver_title) ||
		    !fit(r->submitted_at) || !fit(r->seal))
			return false;
		for (k = 0; k < r->nitems; k++)
			if (!fit(r->items[k].item_id) || !fit(r->items[k].amount) ||
			    !fit(r->items[k].note))
				return false;
		for (k = 0; k < r->nextra_items; k++)
			if (!fit(r->extra_items[k].label) || !fit(r->extra_items[k].currency) ||
			    !fit(r->extra_items[k].amount) || !fit(r->extra_items[k].note))
				return false;
	}
	return true;
}

static void
write_response(xmlio_writer *w, const export_response *r)
{
	char version[24];
	size_t k;

	start(w, "response");
	snprintf(version, sizeof(version), "%d", r->version);
	attribute(w, "version", version);
	start(w, "responder");
	element(w, "name", r->responder_name);
	element(w, "title", r->responder_title != NULL ? r->responder_title : "");
	end(w);
	if (r->approver_name != NULL) {
		start(w, "approver");
		element(w, "name", r->approver_name);
		element(w, "title", r->approver_title != NULL ? r->approver_title : "");
		end(w);
	}
	element(w, "submitted_at", r->submitted_at);
	element(w, "seal", r->seal);
	for (k = 0; k < r->nitems; k++) {
		start(w, "answer");
		attribute(w, "item", r->items[k].item_id);
		element(w, "agrees", r->items[k].agrees ? "true" : "false");
		element(w, "amount", r->items[k].amount);
		element(w, "note", r->items[k].note);
		end(w);
	}
	for (k = 0; k < r->nextra_items; k++) {
		start(w, "extra_item");
		element(w, "label", r->extra_items[k].label);
		element(w, "currency", r->extra_items[k].currency);
		element(w, "amount", r->extra_items[k].amount);
		element(w, "note", r->extra_items[k].note);
		end(w);
	}
	end(w);
}

bgw_err
xmlio_export_confirmation(xmlio_writer *w, const export_confirmation *ec)
{
	const import_confirmation *c;
	size_t i;

	if (w->err != BGW_OK)
		return w->err;
	if (ec == NULL || ec->c == NULL || w->tw == NULL)
		return BGW_E_INTERNAL;
	c = ec->c;
	if (!all_fit(ec)) {
		bgw_log(BGW_LOG_ERROR, "could not export confirmation %s: text unfit for xml",
		    ec->id != NULL && fit(ec->id) ? ec->id : "?");
		return BGW_E_INTERNAL;
	}
	start(w, "confirmation");
	attribute(w, "id", ec->id);
	attribute(w, "reference", ec->reference);
	attribute(w, "status", ec->status);
	element(w, "type", c->type);
	element(w, "form", c->form);
	start(w, "respondent");
	element(w, "organization", c->respondent_org);
	element(w, "email", c->respondent_email);
	element(w, "name", c->respondent_name);
	element(w, "locale", c->respondent_locale);
	end(w);
	element(w, "as_of", c->as_of);
	element(w, "due_date", c->due_date);
	start(w, "items");
	for (i = 0; i < c->nitems; i++) {
		start(w, "item");
		if (ec->item_ids != NULL)
			attribute(w, "id", ec->item_ids[i]);
		element(w, "label", c->items[i].label);
		element(w, "reference", c->items[i].reference);
		element(w, "currency", c->items[i].currency);
		element(w, "amount", c->items[i].amount);
		end(w);
	}
	end(w);
	if (ec->nresponses > 0) {
		start(w, "responses");
		for (i = 0; i < ec->nresponses; i++)
			write_response(w, &ec->responses[i]);
		end(w);
	}
	end(w);
	return w->err;
}

bgw_err
xmlio_export_end(xmlio_writer *w)
{
	if (w->tw == NULL)
		return w->err != BGW_OK ? w->err : BGW_E_INTERNAL;
	check(w, xmlTextWriterEndDocument(w->tw));
	check(w, xmlTextWriterFlush(w->tw));
	free_writer(w);
	return w->err;
}
