/* Threads that take no signal. */
#ifndef CM_THREAD_H
#define CM_THREAD_H

#include <pthread.h>

/* Starts fn(arg) in a new thread with every signal blocked: Ctrl-C,
 * SIGTERM and the children's ends stay the calling thread's. Returns 0,
 * or pthread_create's error (the caller then does the work itself). */
int thread_start_quiet(pthread_t *th, void *(*fn)(void *), void *arg);

#endif
