/* netacl.c - CIDR matching with inet_pton; IPv4-mapped IPv6 addresses match IPv4 networks. */
#include "http/netacl.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define NETACL_ENTRY_MAX 64

/* Parse addr into 16 bytes (IPv4 as ::ffff:a.b.c.d); *v4 tells which it was. */
static bool
parse(const char *s, unsigned char out[16], bool *v4)
{
	unsigned char b4[4];

	if (inet_pton(AF_INET, s, b4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, b4, 4);
		*v4 = true;
		return true;
	}
	*v4 = false;
	return inet_pton(AF_INET6, s, out) == 1;
}

static bool
in_network(const unsigned char addr[16], const char *entry)
{
	char net[NETACL_ENTRY_MAX];
	unsigned char nb[16];
	const char *slash = strchr(entry, '/');
	size_t len = slash != NULL ? (size_t)(slash - entry) : strlen(entry);
	long bits;
	bool v4;
	char *end;

	if (len == 0 || len >= sizeof(net))
		return false;
	memcpy(net, entry, len);
	net[len] = '\0';
	if (!parse(net, nb, &v4))
		return false;
	if (slash == NULL) {
		bits = 128;
	} else {
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || bits < 0 || bits > (v4 ? 32 : 128))
			return false;
		if (v4)
			bits += 96;
	}
	for (long i = 0; i < bits; i++) {
		unsigned char mask = (unsigned char)(0x80 >> (i % 8));

		if ((addr[i / 8] & mask) != (nb[i / 8] & mask))
			return false;
	}
	return true;
}

bool
netacl_match(const char *list, const char *addr)
{
	unsigned char a[16];
	char entry[NETACL_ENTRY_MAX];
	bool v4;

	if (list == NULL || addr == NULL || !parse(addr, a, &v4))
		return false;
	while (*list != '\0') {
		size_t n = strcspn(list, " \t,");

		if (n > 0 && n < sizeof(entry)) {
			memcpy(entry, list, n);
			entry[n] = '\0';
			if (in_network(a, entry))
				return true;
		}
		list += n;
		list += strspn(list, " \t,");
	}
	return false;
}
