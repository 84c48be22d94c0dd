/* base32.c - RFC 4648 section 6 encoding and strict decoding. */
#include "core/base32.h"

#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bgw_err
base32_encode(const unsigned char *in, size_t n, bool pad, char *out, size_t cap)
{
	size_t need = (pad ? BASE32_PADDED_LEN(n) : BASE32_UNPADDED_LEN(n)) + 1, o = 0;
	unsigned buffer = 0, bits = 0;

	if (out == NULL || cap < need || n > (size_t)-1 / 8 - 8) {
		if (out != NULL && cap > 0)
			out[0] = '\0';
		return BGW_E_INTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		buffer = (buffer << 8 | in[i]) & 0xfffu; /* at most 4 + 8 live bits */
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = alphabet[(buffer >> bits) & 31u];
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(buffer << (5 - bits)) & 31u];
	while (pad && o % 8 != 0)
		out[o++] = '=';
	out[o] = '\0';
	return BGW_OK;
}

static int
value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

bgw_err
base32_decode(const char *in, size_t len, unsigned char *out, size_t cap, size_t *outlen)
{
	size_t data = len, o = 0, rem;
	unsigned buffer = 0, bits = 0;
	int v;

	*outlen = 0;
	if (in == NULL && len != 0)
		return BGW_E_VALIDATION;
	while (data > 0 && in[data - 1] == '=')
		data--;
	/* A last quantum of 1, 3 or 6 characters encodes no whole byte (RFC 4648 section 6). */
	rem = data % 8;
	if (rem == 1 || rem == 3 || rem == 6)
		return BGW_E_VALIDATION;
	/* Padding, if any, exactly completes the last quantum. */
	if (data != len && (rem == 0 || len - data != 8 - rem))
		return BGW_E_VALIDATION;
	if (cap < BASE32_DECODED_MAX(data))
		return BGW_E_INTERNAL;
	for (size_t i = 0; i < data; i++) {
		v = value(in[i]);
		if (v < 0)
			return BGW_E_VALIDATION;
		buffer = (buffer << 5 | (unsigned)v) & 0x1fffu; /* at most 7 + 5 live bits */
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(buffer >> bits);
		}
	}
	/* Leftover bits (fewer than 5) must be zero, or two spellings decode alike. */
	if ((buffer & ((1u << bits) - 1)) != 0)
		return BGW_E_VALIDATION;
	*outlen = o;
	return BGW_OK;
}
