#include "thread.h"

#include <signal.h>

int thread_start_quiet(pthread_t *th, void *(*fn)(void *), void *arg)
{
	/* a new thread inherits the creating thread's mask */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
