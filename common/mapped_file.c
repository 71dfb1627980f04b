/* Reading a file again and again through one mapping (see mapped_file.h).
 *
 * The mapping outlives the descriptor, so keeping many files mapped costs
 * no descriptors; a stat of the name tells whether the mapping still shows
 * the file whole (an unlinked file stays readable through it; a file
 * replaced under the name is a new inode, mapped again). The one danger is
 * a file cut short under the mapping while it is read: the read then
 * faults (SIGBUS), and a handler installed for the guarded reads alone
 * puts zeros there and tells the caller, which reads the file instead. */
#include "mapped_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infile.h"

/* The mapping being read in mapped_file_guard (this thread's). */
static __thread const unsigned char *guard_lo, *guard_hi;
static __thread volatile sig_atomic_t guard_faulted;
static struct sigaction old_bus;
static size_t page_size;

/* A fault on the guarded mapping (its file was cut short) puts a page of
 * zeros where the file's page was, so the read goes on (to be thrown away:
 * guard_faulted); a fault anywhere else is not ours, and gets the action
 * there was before (the default one kills when the faulting instruction
 * runs again). */
static void on_bus(int sig, siginfo_t *si, void *uc)
{
	const unsigned char *at = si ? (const unsigned char *)si->si_addr : NULL;
	if (at && at >= guard_lo && at < guard_hi) {
		void *page = (void *)((uintptr_t)at & ~(uintptr_t)(page_size - 1));
		if (mmap(page, page_size, PROT_READ,
			 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED) {
			guard_faulted = 1;
			return;
		}
	}
	if (old_bus.sa_flags & SA_SIGINFO) {
		old_bus.sa_sigaction(sig, si, uc);
	} else if (old_bus.sa_handler != SIG_DFL && old_bus.sa_handler != SIG_IGN) {
		old_bus.sa_handler(sig);
	} else {
		signal(SIGBUS, SIG_DFL);
	}
}

/* Installs on_bus unless it is the action now (checked at each new
 * mapping: a program may have set its own since). */
static int install_bus(void)
{
	struct sigaction cur;
	if (sigaction(SIGBUS, NULL, &cur) != 0)
		return -1;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_bus)
		return 0;
	long ps = sysconf(_SC_PAGESIZE);
	page_size = ps > 0 ? (size_t)ps : 4096;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old_bus) != 0)
		return -1;
	return 0;
}

int mapped_file_guard(const struct mapped_file *m, int (*fn)(void *), void *arg)
{
	if (!m->p)
		return fn(arg);
	guard_faulted = 0;
	guard_lo = m->p;
	guard_hi = m->p + ((m->len + page_size - 1) & ~(page_size - 1));
	int rc = fn(arg);
	guard_lo = guard_hi = NULL;
	return guard_faulted ? MAPPED_FAULT : rc;
}

void mapped_file_release(struct mapped_file *m)
{
	if (m->p)
		munmap((void *)(uintptr_t)m->p, m->len);
	memset(m, 0, sizeof(*m));
}

int mapped_file_view(struct mapped_file *m, int dirfd, const char *name,
		     int how, const unsigned char **p, size_t *len,
		     struct strbuf *buf, struct strbuf *err)
{
	struct stat st;
	int trusted = (how & MAPPED_TRUST) != 0;
	if (m->p && (trusted ||
		     (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		      S_ISREG(st.st_mode) && st.st_dev == m->dev &&
		      st.st_ino == m->ino && (size_t)st.st_size == m->len))) {
		*p = m->p;
		*len = m->len;
		return trusted;
	}
	mapped_file_release(m);
	int fd = infile_open_at(dirfd, name);
	if (fd < 0) {
		strbuf_addstr(err, strerror(errno));
		return -1;
	}
	if ((how & MAPPED_MAY_MAP) && install_bus() == 0 && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= infile_limit()) {
		void *at = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (at != MAP_FAILED) {
			close(fd);
			m->p = at;
			m->len = (size_t)st.st_size;
			m->dev = st.st_dev;
			m->ino = st.st_ino;
			*p = m->p;
			*len = m->len;
			return 0;
		}
	}
	int rc = infile_read_fd(fd, buf, err);
	close(fd);
	*p = (const unsigned char *)buf->buf;
	*len = buf->len;
	return rc;
}
