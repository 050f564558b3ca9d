/* busy.h - a competing busy process: what a browser tab or a compile does
 * to the machine, started and stopped by the program that measures beside
 * it (lesson 12, the benchmarks). */
#ifndef CN_KIT_BUSY_H
#define CN_KIT_BUSY_H

#include <sys/types.h>

/* Start a child process that does nothing but keep one core busy until
 * busy_stop (on Linux it also ends with this program). Stops the program
 * with a message if it cannot be started. */
pid_t busy_start(void);
void busy_stop(pid_t pid);

#endif
