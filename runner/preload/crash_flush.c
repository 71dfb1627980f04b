/* Part of librunner_preload.so: keeping the coverage of a test that dies.
 *
 * RUNNER_FLUSH_ON_SIGNAL=1: gcov writes its data only on a normal exit,
 * so a test that crashes or is terminated would lose the coverage it
 * reached. For SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT and SIGTERM the
 * library installs a handler, at load time (before main), that
 *
 *  1. writes gcov's data: through __gcov_dump when the program exports it
 *     (linked with -Wl,--undefined=__gcov_dump
 *     -Wl,--export-dynamic-symbol=__gcov_dump), which runs none of the
 *     program's exit handlers; otherwise through exit(), which runs them
 *     and gcov's destructors, and an exit handler registered before the
 *     program's own then takes over again;
 *  2. under a watchdog: SIGALRM after FLUSH_SECONDS ends the process by
 *     the signal it caught, default action, however the flush is stuck (a
 *     crash inside malloc, an exit handler waiting for a lock the crashed
 *     code holds). A crash stays a crash, never a hang;
 *  3. then hands the signal on to the handler that was there before (a
 *     sanitizer's, which then prints its report) or to the default
 *     action: the handler is put back and the signal raised again (sent
 *     signals) or the faulting instruction run again (faults), so the
 *     runner sees the test die by that signal.
 *
 * The handler runs on an alternate signal stack (the one a sanitizer set
 * up, else one of its own), so a stack overflow is flushed too. A fault
 * inside the flush itself gives up the flush and hands on at once.
 *
 * cmocka puts its own handler in around every test with signal(), and
 * ours back after it: signal() sets neither SA_ONSTACK (a stack overflow
 * in a test killed the process before any handler ran, and the coverage
 * of all its tests was lost) nor SA_SIGINFO. With the flush on, the
 * library's signal() sets SA_ONSTACK, and puts ours back as installed. */
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FLUSH_SECONDS 2
#define STR_(x) #x
#define STR(x) STR_(x)
#define ALT_STACK_SIZE (256 * 1024)

static const int flush_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
				 SIGTERM};
#define NSIGS (sizeof(flush_sigs) / sizeof(flush_sigs[0]))

static struct sigaction previous[NSIGS];
static int flush_on;
static void (*gcov_dump)(void);
static volatile sig_atomic_t caught_signal;
static volatile sig_atomic_t caught_index;
static siginfo_t *caught_info; /* still valid: exit() runs inside on_fatal */
static void *caught_uctx;

/* Puts back the handler that was there before ours (default: SIG_DFL). */
static void restore(int idx, int dfl)
{
	struct sigaction sa;
	if (dfl) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
	} else {
		sa = previous[idx];
	}
	sigaction(flush_sigs[idx], &sa, NULL);
}

static void unblock(int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* The watchdog: the flush took too long; die by the caught signal. */
static void on_watchdog(int sig)
{
	(void)sig;
	int caught = caught_signal;
	if (!caught)
		return;
	static const char msg[] = "runner preload: writing the coverage data "
				  "of this crashed test did not finish within "
				  STR(FLUSH_SECONDS) " s "
				  "(a lock held by the crashed code?): its "
				  "coverage is lost\n";
	ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)w;
	restore(caught_index, 1);
	unblock(caught);
	raise(caught);
	/* a signal the default action does not end the process with: KILL */
	raise(SIGKILL);
}

static void start_watchdog(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_watchdog;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGALRM, &sa, NULL);
	unblock(SIGALRM);
	alarm(FLUSH_SECONDS);
}

/* After exit() has run gcov's destructors: die by the caught signal. */
static void reraise_at_exit(void)
{
	int sig = caught_signal;
	if (!sig)
		return;
	alarm(0);
	restore(caught_index, 0);
	const struct sigaction *prev = &previous[caught_index];
	if (caught_info && caught_info->si_code > 0 &&
	    (prev->sa_flags & SA_SIGINFO)) {
		/* a fault: the earlier handler (a sanitizer's) sees it as it
		 * was, address and registers, not a raise from here */
		prev->sa_sigaction(sig, caught_info, caught_uctx);
	} else {
		unblock(sig);
		raise(sig);
	}
	/* the earlier handler returned: end as the default action would */
	restore(caught_index, 1);
	raise(sig);
}

static void on_fatal(int sig, siginfo_t *info, void *uctx)
{
	int idx = 0;
	while ((size_t)idx < NSIGS && flush_sigs[idx] != sig)
		idx++;
	if ((size_t)idx == NSIGS)
		return;
	if (caught_signal) {
		/* a fault while flushing: give the flush up, hand on */
		restore(idx, 0);
		if (!info || info->si_code <= 0)
			raise(sig);
		return;
	}
	caught_index = idx;
	caught_info = info;
	caught_uctx = uctx;
	caught_signal = sig;
	start_watchdog();
	if (!gcov_dump)
		exit(128 + sig); /* reraise_at_exit hands on */
	gcov_dump();
	alarm(0);
	restore(idx, 0);
	/* a fault happens again when the handler returns; a sent signal is
	 * sent again */
	if (!info || info->si_code <= 0)
		raise(sig);
}

typedef void (*handler_fn)(int);
typedef handler_fn (*signal_fn)(int, handler_fn);

/* signal() as glibc's (BSD semantics: SA_RESTART, the signal blocked in
 * its handler), and with the flush on: on the alternate stack, and our
 * handler put back with its own flags. */
handler_fn signal(int sig, handler_fn handler)
{
	if (!flush_on) {
		/* the flush is off: the next signal() (libc's, a sanitizer's) */
		signal_fn next_signal = (signal_fn)dlsym(RTLD_NEXT, "signal");
		/* (cppcheck takes this for the standard signal(), whose
		 * library entry it knows, and its result for an int) */
		if (next_signal)
			/* cppcheck-suppress CastIntegerToAddressAtReturn */
			return next_signal(sig, handler);
	}
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	if (flush_on && handler == (handler_fn)(void (*)(void))on_fatal) {
		sa.sa_sigaction = on_fatal;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	} else {
		sa.sa_handler = handler;
		sa.sa_flags = SA_RESTART | (flush_on ? SA_ONSTACK : 0);
	}
	if (sigaction(sig, &sa, &old) != 0)
		return SIG_ERR;
	if (old.sa_flags & SA_SIGINFO)
		return (handler_fn)(void (*)(void))old.sa_sigaction;
	return old.sa_handler;
}

static void alt_stack(void)
{
	stack_t cur;
	if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE))
		return; /* a sanitizer's: it is on it too */
	void *mem = mmap(NULL, ALT_STACK_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return;
	stack_t ss = {.ss_sp = mem, .ss_size = ALT_STACK_SIZE, .ss_flags = 0};
	sigaltstack(&ss, NULL);
}

__attribute__((constructor)) static void crash_flush_init(void)
{
	const char *flush = getenv("RUNNER_FLUSH_ON_SIGNAL");
	if (!flush || strcmp(flush, "1"))
		return;
	gcov_dump = (void (*)(void))dlsym(RTLD_DEFAULT, "__gcov_dump");
	/* registered before the program's own handlers (and gcov's
	 * destructors run before it), so it runs last */
	atexit(reraise_at_exit);
	alt_stack();
	flush_on = 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	for (size_t i = 0; i < NSIGS; i++) {
		if (sigaction(flush_sigs[i], NULL, &previous[i]) != 0)
			continue;
		/* an ignored signal stays ignored */
		if (!(previous[i].sa_flags & SA_SIGINFO) &&
		    previous[i].sa_handler == SIG_IGN)
			continue;
		sigaction(flush_sigs[i], &sa, NULL);
	}
}
