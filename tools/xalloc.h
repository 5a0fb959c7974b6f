/*
 * Out-of-memory policy: fatal.  A server that cannot allocate a few KiB
 * cannot answer anything useful; it says so on stderr and exits 70.
 */
#ifndef SAIA_XALLOC_H
#define SAIA_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
