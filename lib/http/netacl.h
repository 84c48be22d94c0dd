/* netacl.h - is an address inside one of a list of networks ("10.0.0.0/8 ::1/128"). */
#ifndef BGW_NETACL_H
#define BGW_NETACL_H

#include <stdbool.h>

/* True if addr (textual IPv4 or IPv6) lies in one of the space-separated CIDR networks of
 * list.  Malformed addresses or entries never match (fail closed). */
bool netacl_match(const char *list, const char *addr);

#endif
